/**
 * Hostile log content for the hardening tests: a corpus of terminal escape sequences and control
 * characters, random mixtures of them, logs that put them where remote clients can (client ids,
 * usernames, topics, addresses, error texts, lines the parser does not know), and the check that
 * terminal output holds none of them.
 *
 * Logs are built as text in which U+F780–U+F7FF stand for the raw bytes 0x80–0xFF (so a log can
 * hold invalid UTF-8, such as a bare 0x9B, the 8-bit CSI); {@link logBytes} writes the bytes.
 */
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import fc from 'fast-check';

/** Text standing for raw bytes, each 0x80–0xFF (see {@link logBytes}). */
export function rawBytes(...bytes: number[]): string {
  return bytes.map((b) => String.fromCharCode(0xf700 + b)).join('');
}

/** The bytes of a log built with {@link rawBytes} placeholders: UTF-8, raw bytes as themselves. */
export function logBytes(text: string): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xf780 || code > 0xf7ff) continue;
    parts.push(Buffer.from(text.slice(start, i), 'utf8'), Buffer.from([code - 0xf700]));
    start = i + 1;
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** The text mosqlog reads back from a built log: raw bytes decode to U+FFFD, as in a file. */
export function decodedText(text: string): string {
  return logBytes(text).toString('utf8');
}

/**
 * Sequences that move the cursor, retitle the window, colour, link, clear, reset or reorder
 * text, complete and cut short, in 7-bit, UTF-8 C1 and raw 8-bit forms. SGR ones use
 * parameters mosqlog never writes, so a survivor is told from mosqlog's own colour.
 */
export const escapeCorpus: ReadonlyArray<readonly [name: string, text: string]> = [
  ['CSI cursor up', '\x1b[2A'],
  ['CSI cursor position', '\x1b[1;1H'],
  ['CSI clear screen', '\x1b[2J'],
  ['CSI erase line', '\x1b[2K'],
  ['CSI hide cursor', '\x1b[?25l'],
  ['CSI alternate screen', '\x1b[?1049h'],
  ['CSI scroll region', '\x1b[1;3r'],
  ['CSI device status query', '\x1b[6n'],
  ['SGR blink reverse', '\x1b[5;7m'],
  ['SGR 256 colours', '\x1b[38;5;196m'],
  ['SGR true colour', '\x1b[48;2;255;0;0m'],
  ['SGR conceal', '\x1b[8m'],
  ['SGR reset', '\x1b[m'],
  ['OSC title, BEL', '\x1b]0;pwned\x07'],
  ['OSC title, ST', '\x1b]2;pwned\x1b\\'],
  ['OSC 8 hyperlink', '\x1b]8;;https://evil.invalid/\x1b\\click me\x1b]8;;\x1b\\'],
  ['OSC 52 clipboard', '\x1b]52;c;cm0gLXJmIH4=\x07'],
  ['OSC unterminated', '\x1b]0;never ends'],
  ['DCS sixel', '\x1bPq#0;2;0;0;0#1!7~\x1b\\'],
  ['DCS unterminated', '\x1bP1$r'],
  ['APC kitty graphics', '\x1b_Gf=100;AAAA\x1b\\'],
  ['PM', '\x1b^private\x1b\\'],
  ['SOS', '\x1bXstring\x1b\\'],
  ['ESC c full reset', '\x1bc'],
  ['ESC 7 / 8 save, restore', '\x1b7\x1b8'],
  ['ESC # 8 screen alignment', '\x1b#8'],
  ['ESC ( 0 line drawing', '\x1b(0'],
  ['C1 CSI in UTF-8', '\u009b2J'],
  ['C1 OSC in UTF-8', '\u009d0;title\u009c'],
  ['C1 DCS in UTF-8', '\u0090q\u009c'],
  ['C1 APC in UTF-8', '\u009fx\u009c'],
  ['C1 NEL in UTF-8', '\u0085'],
  ['raw 8-bit CSI', `${rawBytes(0x9b)}2J`],
  ['raw 8-bit OSC', `${rawBytes(0x9d)}0;t${rawBytes(0x9c)}`],
  ['raw bytes 0x80-0x9f', rawBytes(...Array.from({ length: 32 }, (_, i) => 0x80 + i))],
  ['overlong ESC', `${rawBytes(0xc0, 0x9b)}[2J`],
  ['cut UTF-8 before ESC', `${rawBytes(0xe2, 0x80)}\x1b[2J`],
  ['lone ESC', '\x1b'],
  ['ESC at the end', 'tail\x1b'],
  ['partial CSI', '\x1b['],
  ['partial CSI parameters', '\x1b[12;'],
  ['ESC ESC CSI', '\x1b\x1b[2J'],
  ['CSI inside CSI', '\x1b[\x1b[2Jm'],
  ['BEL', '\x07'],
  ['backspaces', 'ab\x08\x08'],
  ['CR inside', 'a\rb'],
  ['VT and FF', '\x0b\x0c'],
  ['DEL', '\x7f'],
  ['NUL', 'a\x00b'],
  ['SO and SI', '\x0e\x0f'],
  ['TAB', 'a\tb'],
  ['bidi override', '\u202eevil'],
  ['bidi isolates', '\u2066x\u2069'],
  ['bidi marks', '\u200e\u200f\u061c'],
  ['markdown and HTML', '|pipe| `tick` [x](https://evil.invalid) <b>&amp;'],
  ['annotation escapes', '%0A::error::x,y:z%'],
];

/** Hostile text: corpus entries, arbitrary characters and raw bytes, mixed. */
export const hostileText: fc.Arbitrary<string> = fc.array(fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...escapeCorpus.map(([, text]) => text)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => rawBytes(...Array.from(b, (x) => x | 0x80))) },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) },
), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('').replace(/[\n]/g, ' '));

/** Where a story puts hostile text. */
export interface HostileValues {
  client: string;
  user: string;
  topic: string;
  address: string;
  /** An OS error text, as in `Bad socket read/write on client X: …`. */
  detail: string;
  /** A whole line the parser does not know. */
  unknown: string;
}

/** One value everywhere. */
export function everywhere(text: string, n: number): HostileValues {
  return { client: `c${n}-${text}-id`, user: `u-${text}`, topic: `t/${text}/x`, address: `10.0.${n}.1${text}`, detail: `err ${text}`, unknown: `what ${text} now` };
}

/**
 * Lines (without prefixes) of one client's troubled life, ending at `dt` 30 s: a session with a
 * user name that subscribes, leaves a QoS 2 publish and a re-sent QoS 1 delivery unfinished, has
 * messages dropped, is taken over and times out; a second id lost to a socket error, a third
 * refused, an unknown line. `dt` is seconds from the story's start.
 */
function storyLines(v: HostileValues, port: number): Array<[dt: number, text: string]> {
  const c = v.client;
  return [
    [1, `New connection from ${v.address}:${port} on port 1883.`],
    [1, `New client connected from ${v.address}:${port} as ${c} (p2, c1, k5, u'${v.user}').`],
    [1, `Sending CONNACK to ${c} (0, 0)`],
    [1, `Received SUBSCRIBE from ${c}`],
    [1, `\t${v.topic} (QoS 2)`],
    [1, `${c} 2 ${v.topic}`],
    [1, `Sending SUBACK to ${c}`],
    [2, `Received PUBLISH from ${c} (d0, q2, r0, m7, '${v.topic}', ... (3 bytes))`],
    [2, `Sending PUBREC to ${c} (m7, rc0)`],
    [2, `Sending PUBLISH to ${c} (d0, q1, r0, m1, '${v.topic}', ... (3 bytes))`],
    [2, `Sending PUBLISH to ${c} (d1, q1, r0, m1, '${v.topic}', ... (3 bytes))`],
    [2, v.unknown],
    [3, `Received PUBLISH from ${c} (d0, q1, r0, m9, '${v.topic}', ... (3 bytes))`],
    [3, `Sending PUBACK to ${c} (m9, rc0)`],
    [4, `Outgoing messages are being dropped for client ${c}.`],
    [5, `New connection from ${v.address}:${port + 1} on port 1883.`],
    [5, `Client ${c} already connected, closing old connection.`],
    [5, `New client connected from ${v.address}:${port + 1} as ${c} (p2, c1, k5, u'${v.user}').`],
    [20, `Client ${c} has exceeded timeout, disconnecting.`],
    [21, `New connection from ${v.address}:${port + 2} on port 1883.`],
    [21, `New client connected from ${v.address}:${port + 2} as ${c}-b (p2, c1, k60).`],
    [22, `Bad socket read/write on client ${c}-b: ${v.detail}`],
    [23, `New connection from ${v.address}:${port + 3} on port 1883.`],
    [23, `Sending CONNACK to ${c}-c (0, 5)`],
    [23, `Client ${c}-c disconnected, not authorised.`],
    [24, `New client connected from ${v.address}:${port + 4} as ${c}-d (p2, c1, k60).`],
    [25, `Client ${c}-d [${v.address}:${port + 4}] disconnected: ${v.detail}.`],
  ];
}

/**
 * A mosquitto 2.0 log (epoch prefixes, `log_type all`, lines ending in `\n`) with one story per
 * value set, 100 s apart, between a broker start and stop.
 */
export function buildHostileLog(stories: readonly HostileValues[], t0 = 1795700000): string {
  const lines = [`${t0}: mosquitto version 2.0.11 starting`, `${t0}: Opening ipv4 listen socket on port 1883.`];
  stories.forEach((v, i) => {
    for (const [dt, text] of storyLines(v, 20000 + i * 10)) lines.push(`${t0 + i * 100 + dt}: ${text}`);
  });
  lines.push(`${t0 + stories.length * 100 + 1}: mosquitto version 2.0.11 terminating`);
  return lines.map((l) => `${l}\n`).join('');
}

/** The SGR sequences chalk writes (at level 1) for the styles mosqlog's reporters use. */
export const mosqlogSgr: ReadonlySet<string> = (() => {
  const c = new Chalk({ level: 1 });
  const styles = [c.bold, c.dim, c.underline, c.red, c.green, c.yellow, c.cyan, c.red.bold, c.bold.underline];
  return new Set(styles.map((style) => style('x')).join('').match(/\x1b\[[0-9;]*m/g) ?? []);
})();

/**
 * The lines `follow --dashboard` drew, read from what it wrote: each line starts with the
 * sequences it writes to redraw in place (hide the cursor, erase below, move up, erase the line)
 * and the stream ends by erasing below and showing the cursor. Anything else, anywhere, stays in
 * the lines, for {@link assertTerminalSafe} to find.
 */
export function dashboardLines(stream: string): string[] {
  const parts = stream.split('\n');
  assert.equal(parts.pop(), '\x1b[J\x1b[?25h', 'the dashboard ends by erasing below and showing the cursor');
  return parts.map((part) => {
    const control = /^(?:\x1b\[\?25l)?(?:\x1b\[J)?(?:\x1b\[\d+A\r)?\x1b\[2K/.exec(part);
    assert.ok(control, `a dashboard line starts with its redraw sequences: ${JSON.stringify(part.slice(0, 40))}`);
    return part.slice(control[0].length);
  });
}

/** A short view of the first unsafe character in `text`, for messages. */
function around(text: string, at: number): string {
  return JSON.stringify(text.slice(Math.max(0, at - 30), at + 30));
}

/**
 * Asserts that `text` can go to a terminal: no C0 control but LF, no C1 control, no bidi
 * control, and no ESC except SGR sequences mosqlog writes itself (none when `colour` is false).
 */
export function assertTerminalSafe(text: string, colour: boolean, label: string): void {
  const sgr = /\x1b\[[0-9;]*m/g;
  for (const m of text.matchAll(sgr)) {
    assert.ok(colour && mosqlogSgr.has(m[0]), `${label}: ${colour ? 'a foreign' : 'an'} SGR sequence ${JSON.stringify(m[0])} at ${around(text, m.index)}`);
  }
  const rest = text.replace(sgr, '');
  const bad = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.exec(rest);
  assert.equal(bad, null, `${label}: control character ${JSON.stringify(bad?.[0])} at ${around(rest, bad?.index ?? 0)}`);
}
