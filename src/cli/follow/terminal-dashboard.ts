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

/**
 * Draws what `render` returns, replacing the previous drawing. `start` draws at once and then
 * every `intervalMs`; `stop` draws a last time, shows the cursor again and clears the timer.
 */
export class TerminalDashboard {
  private timer: NodeJS.Timeout | null = null;
  private height = 0;
  private running = false;

  constructor(
    private readonly stream: Writable,
    private readonly render: () => string[],
    private readonly intervalMs = 1000,
  ) {}

  /** Starts drawing; does nothing when already started. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stream.write(hideCursor);
    this.draw();
    this.timer = setInterval(() => this.draw(), this.intervalMs);
  }

  /** Draws now (between ticks, e.g. when the status changes). */
  draw(): void {
    if (!this.running || this.stream.destroyed) return;
    const lines = this.render();
    const up = this.height > 0 ? `\x1b[${this.height}A\r` : '';
    this.stream.write(`${up}${lines.map((l) => `${clearLine}${l}\n`).join('')}${clearBelow}`);
    this.height = lines.length;
  }

  /** Final drawing, cursor back; safe to call twice. */
  stop(): void {
    if (!this.running) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.draw();
    this.running = false;
    if (!this.stream.destroyed) this.stream.write(showCursor);
  }
}
