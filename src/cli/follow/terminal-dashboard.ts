/**
 * Redrawing a block of lines in place on a terminal, about once a second, for
 * `mosqlog follow --dashboard`. The text comes from a pure renderer; this file only knows
 * cursor movement and the timer.
 */
import type { Writable } from 'node:stream';

const hideCursor = '\x1b[?25l';
const showCursor = '\x1b[?25h';
const clearLine = '\x1b[2K';
const clearBelow = '\x1b[J';
const clearScreen = '\x1b[2J\x1b[H';

/**
 * A drawing cut to a terminal of `rows` rows, the cursor's row left free: a taller one would
 * scroll its top away each time. Lines go from the end but for the last (the status line).
 */
function fitRows(lines: string[], rows: number | undefined): string[] {
  if (rows === undefined || lines.length < rows) return lines;
  const room = Math.max(1, rows - 1);
  return room === 1 ? lines.slice(0, 1) : [...lines.slice(0, room - 1), ...lines.slice(-1)];
}

/**
 * Draws what `render` returns for the terminal's width, replacing the previous drawing. `start`
 * draws at once and then every `intervalMs`, and again when the terminal is resized; `stop`
 * draws a last time, shows the cursor again and clears the timer. The width is the stream's
 * own (a terminal's changes as it is resized), else `width`; a drawing taller than the terminal
 * is cut ({@link fitRows}).
 */
export class TerminalDashboard {
  private timer: NodeJS.Timeout | null = null;
  private height = 0;
  private drawnWidth = 0;
  private drawnRows: number | undefined;
  private running = false;
  private readonly onResize = (): void => this.draw();

  constructor(
    private readonly stream: Writable,
    private readonly render: (width: number) => string[],
    private readonly width: number,
    private readonly intervalMs = 1000,
  ) {}

  /** Starts drawing; does nothing when already started. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stream.write(hideCursor);
    this.stream.on('resize', this.onResize);
    this.draw();
    this.timer = setInterval(() => this.draw(), this.intervalMs);
  }

  /** Draws now (between ticks, e.g. when the status changes). */
  draw(): void {
    if (!this.running || this.stream.destroyed) return;
    const size = this.stream as { columns?: number; rows?: number };
    // A terminal that reports 0 columns or rows (a pseudo-terminal given no size) has no known size.
    const width = size.columns || this.width;
    const rows = size.rows || undefined;
    const lines = fitRows(this.render(width), rows);
    // The lines drawn for another size have wrapped, unwrapped or scrolled: the rows to go up are
    // not known, so the screen is cleared.
    const resized = width !== this.drawnWidth || rows !== this.drawnRows;
    const up = this.height === 0 ? '' : resized ? clearScreen : `\x1b[${this.height}A\r`;
    this.stream.write(`${up}${lines.map((l) => `${clearLine}${l}\n`).join('')}${clearBelow}`);
    this.height = lines.length;
    this.drawnWidth = width;
    this.drawnRows = rows;
  }

  /** Final drawing, cursor back; safe to call twice. */
  stop(): void {
    if (!this.running) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stream.off('resize', this.onResize);
    this.draw();
    this.running = false;
    if (!this.stream.destroyed) this.stream.write(showCursor);
  }
}
