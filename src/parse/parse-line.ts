/**
 * `parseLine`: one input line in, exactly one typed record out. Never throws, does no I/O.
 *
 * Order of the search, cheapest first: the prefix is taken off; a line continuing the message
 * before it is recognised from that message; tab lines are decoded from context; then the
 * message's first word picks the candidate shapes (family tables first, then the catalogue,
 * most literal text first); shapes that start with a placeholder come last.
 */
import { createClock } from './clock.js';
import { type CataloguePattern, catalogueByFormat, cataloguePatterns, joinedPatterns, printedBy, trailingNewlines } from './families/catalogue.js';
import { connectionTable } from './families/connection.js';
import { lifecycleTable } from './families/lifecycle.js';
import { packetTable } from './families/packet.js';
import { scanCutPublish, scanPacketLine } from './families/packet-scan.js';
import { decodeRequestLine, decodeTabLine } from './families/subscription.js';
import type { DecodeContext, Pattern } from './pattern.js';
import { PrefixReader, type Unwrapped, looseStampLength, originProgram } from './prefix.js';
import type { Line } from './read-lines.js';
import type { Level, LogRecord, PacketRecord, RecordBody, ServiceExit, UnknownReason, Where } from './record.js';
import { type DateOrder, compileTimestampFormat } from './strftime.js';
import { type CompiledShape, type Fields, matchShape, matchShapePrefix, readCutMessage } from './template.js';

/** How times are read. */
export interface ParseOptions {
  /** Zone for times without an offset: `UTC` (default), `local`, `+01:00` or an IANA name. */
  tz?: string;
  /** Year for syslog headers, which carry none (default: the current year, or the last for a date after {@link latest}). */
  year?: number;
  /**
   * With the year taken from the clock, not given: a stamp that names no year and would read
   * after this time (epoch ms) is of the year before. Set by the parser to two days from now
   * when `year` is not given; a parser made with its {@link LineParser.options} keeps it.
   */
  latest?: number;
  /** The broker's `log_timestamp_format`, when the log uses one the parser should not guess. */
  timestampFormat?: string;
  /** For stamps of a time of day alone: the first line's day, as days after 1 January of {@link year} (default 0). */
  firstDay?: number;
  /**
   * For stamps of a time of day alone, without {@link firstDay}: the first line is on the last day
   * on which it is not after this time (epoch ms; the clock, for a log followed as it is written).
   */
  undatedUntil?: number;
}

/** What the parser may know from earlier lines. */
export interface LineContext {
  prev?: LogRecord;
  brokerVersion?: string;
  /** The time of the last line before that had one: syslog's missing year and a repeated hour are read after it. */
  lastTime?: number;
  /** The order a numeric date of the log showed (`03/13/2026`, `26-11-30`), for the dates that do not. */
  dateOrder?: DateOrder;
  /** A date that could be read both ways was read as guessed before the log showed an order. */
  dateGuessed?: boolean;
  /** The line that showed the dates month first after {@link dateGuessed}: set once, for a warning. */
  monthFirstLate?: Where;
}

/** 2.x formats prefix and message into a 1000-byte buffer: 999 bytes mean the line was cut. */
const brokerLineLimit = 999;
/** 1.x cuts at the format's length plus 499; a line this long that matches only in part was cut. */
const shortestCut = 500;
/** Bytes of the last `%s` of a 1.x message cut at its format's length plus 499, when nothing follows it. */
const lastValueCut = 501;

/**
 * Whether a message that matched whole was cut by 1.x all the same: at its format's length plus
 * 499, inside a `%s` that ends the format (a client id of a bare packet line, a grant line's
 * filter, a message's last value). A line that reaches that length exactly was cut.
 */
function cutBy1x(body: RecordBody, message: string, version: string | undefined): boolean {
  if (version !== undefined && !version.startsWith('1.')) return false;
  switch (body.type) {
    case 'packet':
      return body.mid === undefined && body.client.length * 3 >= lastValueCut && Buffer.byteLength(body.client) === lastValueCut && message.endsWith(body.client);
    case 'subscription':
      // `%s %d %s`, a grant line.
      return body.level === 'subscribe' && Buffer.byteLength(message) === 8 + 499;
    case 'message':
      return body.format.endsWith('%s') && Buffer.byteLength(message) === Buffer.byteLength(body.format) + 499;
    default:
      return false;
  }
}

/**
 * Characters of the longest message any broker prints: 2.x formats into a 1000-byte buffer,
 * 1.x into the format's length plus 500 bytes, and a character takes at least one byte.
 */
const longestMessage = 1024;

interface Candidate {
  hand?: Pattern;
  catalogue?: CataloguePattern;
  length: number;
}

interface Index {
  /** Shapes whose literal start holds two whole words, by the hash of those words. */
  byTwoWords: Map<number, Candidate[]>;
  /** Shapes with only their first word literal, by the hash of that word. */
  byWord: Map<number, Candidate[]>;
  /** Shapes that start with a placeholder. */
  wildcard: Candidate[];
}

function buildIndex(): Index {
  const index: Index = { byTwoWords: new Map(), byWord: new Map(), wildcard: [] };
  const add = (c: Candidate, shape: CompiledShape): void => {
    if (shape.firstWord === '') {
      index.wildcard.push(c);
      return;
    }
    const [map, key] = shape.firstTwoWords !== null ? [index.byTwoWords, wordsHash(shape.firstTwoWords, 2)[1]] : [index.byWord, wordsHash(shape.firstWord, 1)[0]];
    const list = map.get(key);
    if (list) list.push(c);
    else map.set(key, [c]);
  };
  for (const hand of [...connectionTable, ...packetTable, ...lifecycleTable]) {
    // Family tables win over the catalogue for the same text: they give typed fields.
    add({ hand, length: hand.shape.literalLength + 10_000 }, hand.shape);
  }
  // Between equal shapes, the one owed more physical lines goes first, so its blank line is
  // claimed; then a logged row before a direct print.
  for (const catalogue of cataloguePatterns) {
    const length = catalogue.shape.literalLength + catalogue.following.length / 100 - (catalogue.direct ? 0.001 : 0);
    add({ catalogue, length }, catalogue.shape);
  }
  const order = (a: Candidate, b: Candidate): number => b.length - a.length;
  for (const list of index.byTwoWords.values()) list.sort(order);
  for (const list of index.byWord.values()) list.sort(order);
  index.wildcard.sort(order);
  return index;
}

/**
 * Hashes of a message's first word and first two words, computed in one pass without making
 * substrings (Map lookups with fresh strings cost more than the hashing). A collision only
 * adds candidates; every candidate is still matched in full.
 */
function wordsHash(text: string, words: 1 | 2): [number, number] {
  let h = 0x811c9dc5;
  let first = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (first === -1) {
        first = h;
        if (words === 1) return [first, -1];
      } else {
        return [first, h];
      }
    }
    h = Math.imul(h ^ c, 16777619) >>> 0;
  }
  return first === -1 ? [h, -1] : [first, words === 2 ? h : -1];
}

const index = buildIndex();
const none: readonly Candidate[] = [];

/**
 * Tries the shapes a message's first words select and the shapes that start with a
 * placeholder, most literal text first (the three lists are merged by it). A catalogue row that
 * cannot have printed the line (another broker version) gives way to a row that reads the line
 * about as closely; a much looser row (`Warning: %s`) does not beat it. A direct print never
 * reads a line with the broker's time prefix.
 */
function searchIndex(message: string, ctx: DecodeContext, prefix: boolean): RecordBody | null {
  const [wordKey, twoKey] = wordsHash(message, 2);
  const two = twoKey < 0 ? none : (index.byTwoWords.get(twoKey) ?? none);
  const one = index.byWord.get(wordKey) ?? none;
  const wild = index.wildcard;
  if (prefix) return searchCut(message, ctx, [two, one, wild]);
  let fallback: RecordBody | null = null;
  let fallbackLength = 0;
  for (let i = 0, j = 0, k = 0; i < two.length || j < one.length || k < wild.length;) {
    const a = two[i]?.length ?? -1;
    const b = one[j]?.length ?? -1;
    const w = wild[k]?.length ?? -1;
    const c = (a >= b && a >= w ? two[i++] : b >= w ? one[j++] : wild[k++]) as Candidate;
    if (fallback !== null && c.length < fallbackLength - closeReading) break;
    // Once there is a fallback only a fitting row can beat it; before, fit is asked of a match only.
    if ((fallback !== null && !candidateFits(c, ctx)) || neverStamped(c, ctx)) continue;
    const body = tryCandidate(c, message, ctx, prefix);
    if (!body) continue;
    if (fallback !== null || candidateFits(c, ctx)) return body;
    fallback = body;
    fallbackLength = c.length;
  }
  return fallback;
}

/**
 * A message the broker cut short, read by the shape that reads furthest into it. A cut in a long
 * client id leaves every `Client {id} …` shape matching, and the text after the id, where it is
 * left, tells them apart: a shape the broker version could have printed goes first, then the one
 * whose literal text the message holds whole furthest, then the one whose cut literal text begins
 * earliest (` has exceeded timeout, disc` explains more than ` disc`). Between equals a family
 * table's (typed fields) goes first, then the one with more literal text before the cut, then
 * the one that claims least beyond it.
 */
function searchCut(message: string, ctx: DecodeContext, lists: readonly (readonly Candidate[])[]): RecordBody | null {
  let best: { body: RecordBody; rank: readonly number[] } | null = null;
  // Disconnects that read the message as far as the best one does: with several causes, the
  // cut fell before the words that tell them apart (`Client ID disc`).
  let causes = new Set<string>();
  const cut = { ...ctx, cut: true };
  for (const list of lists) {
    for (const c of list) {
      const shape = c.hand ? c.hand.shape : c.catalogue?.shape;
      const reading = shape && !neverStamped(c, ctx) ? readCutMessage(shape, message) : null;
      if (!shape || !reading) continue;
      const rank = [candidateFits(c, ctx) ? 1 : 0, reading.wholeEnd, -reading.tailStart, c.hand ? 1 : 0, reading.literal, -shape.literalLength];
      const above = best === null || ranksAbove(rank, best.rank);
      const asFar = best !== null && readsAsFar(rank, best.rank);
      if (!above && !asFar) continue;
      const body = decodeCandidate(c, reading.fields, cut, true);
      if (!body) continue;
      if (above) {
        if (!asFar) causes = new Set();
        best = { body, rank };
      }
      if (body.type === 'disconnect') causes.add(body.cause);
    }
  }
  if (best?.body.type === 'disconnect' && causes.size > 1) return { ...best.body, cause: 'unknown' };
  return best?.body ?? null;
}

/** Whether two ranks of {@link searchCut} differ only in what their shapes claim beyond the cut (the last item). */
function readsAsFar(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length - 1; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether one rank comes before another, compared item by item. */
function ranksAbove(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return false;
}

/** Literal characters by which two shapes may differ and still read a line about as closely. */
const closeReading = 4;

/** False for a catalogue row that cannot have printed a line with this context. */
function candidateFits(c: Candidate, ctx: DecodeContext): boolean {
  return c.catalogue === undefined || rowFits(c.catalogue, ctx);
}

/** True for a row the broker prints directly, never with its time prefix, when the line has one: it reads no such line, not even as a last resort. */
function neverStamped(c: Candidate, ctx: DecodeContext): boolean {
  return ctx.stamped === true && c.catalogue?.direct === true;
}

function rowFits(p: CataloguePattern, ctx: DecodeContext): boolean {
  if (p.direct && ctx.stamped) return false;
  if (p.pluginTwinOfPrint && !ctx.stamped && ctx.brokerVersion === undefined) return false;
  return ctx.brokerVersion === undefined || printedBy(p, ctx.brokerVersion);
}

/** What the first `%s` of a row logged at error or warning level says ({@link CataloguePattern.errorOrWarning}). */
const levelWords = new Set(['Error', 'Warning']);

/** A message record of a catalogue row; `slots` are the placeholders matched (its first line's by default). */
function catalogueBody(p: CataloguePattern, fields: Fields, slots = p.shape.slots): RecordBody {
  const params = slots.map((s) => fields[s.name] ?? '');
  if (p.chownHint) splitAsPrinted(params);
  const client = p.clientSlot >= 0 ? params[p.clientSlot] : undefined;
  const address = p.addressSlot >= 0 ? params[p.addressSlot] : undefined;
  const port = p.portSlot >= 0 ? params[p.portSlot] : undefined;
  const level = p.errorOrWarning && params[0] === 'Warning' ? 'warning' : p.level;
  return {
    type: 'message', family: p.family, level, format: p.format, params,
    ...(typeof client === 'string' && client !== '<unknown>' ? { client } : {}),
    ...(typeof address === 'string' ? { address } : {}),
    ...(typeof port === 'number' ? { port } : {}),
  };
}

/** The owner and the file of a `chown` hint, as the line named them before it ({@link CataloguePattern.chownHint}). */
function splitAsPrinted(params: Array<string | number>): void {
  const [file, owner, first, second] = params;
  if (`${first} ${second}` !== `${owner} ${file}`) return;
  params[2] = owner ?? '';
  params[3] = file ?? '';
}

/** A continuation line's record; `params` are the values of its own line's conversions, when it has any. */
function continuationBody(p: CataloguePattern, parentLine: number, part: number, params: Array<string | number> = []): RecordBody {
  return { type: 'continuation', family: p.family, level: p.level, parentLine, format: p.format, part, ...(params.length > 0 ? { params } : {}) };
}

function tryCandidate(c: Candidate, message: string, ctx: DecodeContext, prefix: boolean): RecordBody | null {
  const shape = c.hand ? c.hand.shape : c.catalogue?.shape;
  if (!shape) return null;
  const fields = prefix ? matchShapePrefix(shape, message) : matchShape(shape, message);
  return fields ? decodeCandidate(c, fields, ctx, prefix) : null;
}

/** The record a shape's fields make, or null when they make none. */
function decodeCandidate(c: Candidate, fields: Fields, ctx: DecodeContext, prefix: boolean): RecordBody | null {
  if (c.hand) return c.hand.decode(fields, ctx);
  const p = c.catalogue as CataloguePattern;
  // A row whose level its first `%s` names has `Error` or `Warning` there; more before the
  // message (a stamp not taken off yet) makes the line another's.
  if (p.errorOrWarning && !levelWords.has(fields[p.shape.slots[0]?.name ?? ''] as string)) return null;
  if (p.continues && ctx.prev && !prefix) {
    return continuationBody(p, ctx.prev.type === 'continuation' ? ctx.prev.parentLine : ctx.prev.line, 1, p.shape.slots.map((s) => fields[s.name] ?? ''));
  }
  return catalogueBody(p, fields);
}

/**
 * A message that holds its newlines (rsyslog's `#012`), read as a format of several lines as a
 * whole, with the parameters of every line; null when no such format reads it. rsyslog drops a
 * message's trailing newline by default, so a format's own may be missing: a row of the level
 * the envelope names wins, then one ending in as many newlines as the message (2.0's
 * world-readable warning is a WARNING without one, 2.1's an INFO with one).
 */
function decodeJoinedLines(text: string, ctx: DecodeContext): RecordBody | null {
  const trailing = trailingNewlines(text);
  const lines = text.slice(0, text.length - trailing);
  let best: RecordBody | null = null;
  let bestRank = -1;
  for (const { pattern, whole, trailing: owed } of joinedPatterns) {
    const rank = (pattern.level === ctx.level ? 2 : 0) + (owed === trailing ? 1 : 0);
    if (rank <= bestRank || !rowFits(pattern, ctx)) continue;
    const fields = matchShape(whole, lines);
    if (!fields) continue;
    best = catalogueBody(pattern, fields, whole.slots);
    bestRank = rank;
  }
  return best;
}

/** The next physical line a multi-line message is still owed, if the previous record has one. */
function continuation(message: string, prev: LogRecord | undefined): RecordBody | null {
  if (!prev || (prev.type !== 'message' && prev.type !== 'continuation')) return null;
  const p = catalogueByFormat.get(prev.format);
  if (!p) return null;
  const part = prev.type === 'continuation' ? prev.part : 0;
  const expected = p.following[part];
  if (expected === undefined) return null;
  // journalctl indents the later lines of a message under its first, by the width of its header.
  const text = message.charCodeAt(0) === 32 ? message.trimStart() : message;
  const fields = expected === '' ? (text === '' ? {} : null) : matchShape(expected, text);
  if (!fields) return null;
  const params = expected === '' ? [] : expected.slots.map((s) => fields[s.name] ?? '');
  return continuationBody(p, prev.type === 'continuation' ? prev.parentLine : prev.line, part + 1, params);
}

/**
 * Debug-tree dump lines (SIGUSR2, printed to stdout): indented topic levels with subscribers. A
 * level with an empty name (the root, `a//b`) and nothing on it is its indent alone.
 */
const treeIndent = /^ {4,}(?:\S|$)/;

/**
 * True for one or more subscriber and retained fragments (` (id, qos)`, ` (r)`). Checked from
 * the end rather than with a repeated group: an id may itself hold `) (`, and the regex that
 * says so backtracks exponentially (a 200-character line took minutes).
 */
function isFragmentRun(message: string): boolean {
  if (!message.startsWith(' (') || !message.endsWith(')')) return false;
  // Only the last fragment is fixed: trailing ` (r)`s come off, and what is left is one
  // ` (…, n)` whose `…` may span several fragments, or a lone ` (r)`.
  let end = message.length - 1;
  while (end >= 7 && message.startsWith(') (r', end - 4)) end -= 4;
  const inner = message.slice(2, end);
  return inner === 'r' || /^.+, \d+$/s.test(inner);
}

function treeLine(message: string): RecordBody | null {
  // Topic levels are indented by 2 × (depth + 2) spaces; subscriber and retained fragments
  // (` (id, qos)`, ` (r)`) may stand alone when the dump is cut into pieces.
  if (message !== ' ' && !treeIndent.test(message) && !isFragmentRun(message)) return null;
  return { type: 'message', family: 'debug-tree-print', level: 'stdout', format: '%s', params: [message] };
}

/** journalctl's own lines between entries: `-- Boot 0a1b… --`, `-- No entries --`. */
function markerLine(message: string): RecordBody | null {
  if (!message.startsWith('-- ') || !message.endsWith(' --') || message.length < 7) return null;
  return { type: 'marker', family: 'envelope', text: message.slice(3, -3) };
}

/**
 * systemd's lines about the broker's unit, which `journalctl -u mosquitto` shows among the
 * broker's: `Starting mosquitto.service - Mosquitto MQTT Broker...`, `Started Mosquitto MQTT
 * Broker.`, `mosquitto.service: Deactivated successfully.`, `Failed to start Mosquitto MQTT Broker.`.
 * Read only in an envelope, without the broker's stamp, where no message of the broker's reads the line.
 */
const systemdUnitLine = /^(?:(?:Starting|Started|Stopping|Stopped|Reloading|Reloaded|Failed to start) .*(?:\.\.\.|\.)|[\w@.-]+\.service: .*)$/;

/**
 * The system logger's own lines about the lines it left out: journald's at its rate limit, and
 * the repeats of one line that rsyslog, sysklogd and syslog-ng fold into one.
 */
const suppressedLines = /^Suppressed (\d+) messages? from \S+$/;
const repeatedLines = /^(?:message repeated (\d+) times?: \[.*\]|last message repeated (\d+) times?|Last message '.*' repeated (\d+) times?, suppressed by syslog-ng on .*)$/s;

/** systemd's line that a unit's process ended: `mosquitto.service: Main process exited, code=killed, status=9/KILL`. */
const serviceExited = /^([\w@.-]+\.service): Main process exited, code=(exited|killed|dumped), status=(\S+)$/;

/** A line of the envelope's own, never the broker's: systemd's about its unit, or the logger's about lines it left out. */
function envelopeLine(message: string): RecordBody | null {
  if (systemdUnitLine.test(message)) {
    const exited = serviceExited.exec(message);
    if (!exited) return { type: 'marker', family: 'envelope', text: message };
    return { type: 'marker', family: 'envelope', text: message, exit: { unit: exited[1] ?? '', how: exited[2] as ServiceExit['how'], status: exited[3] ?? '' } };
  }
  const suppressed = suppressedLines.exec(message);
  if (suppressed) return { type: 'marker', family: 'envelope', text: message, missing: { lines: Number(suppressed[1]), cause: 'suppressed' } };
  const repeated = repeatedLines.exec(message);
  const times = repeated?.[1] ?? repeated?.[2] ?? repeated?.[3];
  return times === undefined ? null : { type: 'marker', family: 'envelope', text: message, missing: { lines: Number(times), cause: 'repeated' } };
}

/**
 * libwebsockets' own lines, which the broker passes on as they are (`%s`): known only where the
 * line says its level (`$SYS/broker/log/WS`).
 */
function websocketsLine(message: string, ctx: DecodeContext): RecordBody | null {
  if (ctx.level !== 'websockets') return null;
  return { type: 'message', family: 'websockets', level: 'websockets', format: '%s', params: [message] };
}

function decodeMessage(message: string, ctx: DecodeContext, prefix: boolean): RecordBody | null {
  // Longer text is no message the broker printed, and the shapes' regexes take time that grows
  // as a power of the length (one 4 000-character line took 0.6 s): it is not matched to them.
  const shaped = message.length <= longestMessage;
  const cont = prefix || !shaped ? null : continuation(message, ctx.prev);
  if (cont) return cont;
  if (message === '') return null;
  if (message.charCodeAt(0) === 9 && !prefix) return decodeTabLine(message, ctx);
  // Most lines of a debug log are packets: a scan reads them without trying shape after shape.
  const packet = shaped ? (prefix ? scanCutPublish(message) : scanPacketLine(message)) : null;
  if (packet) return packet;
  const body = shaped ? searchIndex(message, ctx, prefix) : null;
  if (body) return body;
  if (prefix) return null;
  return decodeRequestLine(message, ctx) ?? treeLine(message) ?? markerLine(message) ?? websocketsLine(message, ctx);
}

/** Whether the broker cut the line short: it fills its buffer, or nearly so when nothing matched. */
function isCut(brokerLine: string, decoded: boolean): boolean {
  const bytes = decoded ? brokerLineLimit : shortestCut;
  return brokerLine.length * 3 >= bytes && countBrokerBytes(brokerLine) >= bytes;
}

/**
 * The bytes the broker wrote for a line, at most: a byte that was no UTF-8 (a 1.x client id in
 * Latin-1) was read as one U+FFFD, which is three bytes of UTF-8 but stood for one. One that ends
 * the line may stand for up to three, the part of a character the broker cut.
 */
function countBrokerBytes(line: string): number {
  let replaced = 0;
  for (let i = line.indexOf('\ufffd'); i >= 0; i = line.indexOf('\ufffd', i + 1)) replaced++;
  const cutCharacter = line.endsWith('\ufffd') ? 2 : 0;
  return Buffer.byteLength(line) - 2 * replaced + cutCharacter;
}

/** Completes a decoded body into its record, in place: it is fresh from its decoder. */
function complete(body: RecordBody, line: string, where: Where, time: number | null, level: Level | undefined, cut: boolean, origin?: string): LogRecord {
  const record = body as LogRecord;
  record.file = where.file;
  record.line = where.line;
  record.time = time;
  record.raw = line;
  // A subscription line's level says which line it is (a topic line's `debug`, a grant line's
  // `subscribe`): a syslog priority, `notice` for both of a grant line's kinds, would hide it.
  if (level && record.type !== 'subscription') record.level = level;
  if (cut && record.type !== 'continuation') record.truncated = true;
  if (origin !== undefined) record.origin = origin;
  return record;
}

/** A file saved with a byte order mark starts with one; it is no part of the line. */
function withoutBom(line: string): string {
  return line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
}

/**
 * Whether a line not understood is another program's, by the program its syslog or journal
 * envelope names: the broker logs as `mosquitto` (a snap's `mosquitto.mosquitto`), and a system
 * log holds every program's lines (`CRON[2211]`, `kernel`, `sshd[812]`).
 */
function otherProgram(unwrapped: Unwrapped): boolean {
  const program = originProgram(unwrapped);
  return program !== null && !/mosquitto/i.test(program);
}

/** Why a message was not decoded: nothing but white space, or NUL bytes, which mean binary data (a file truncated in place, a disk error). */
function reasonFor(message: string): UnknownReason {
  return message.trim() === '' ? 'empty' : message.includes('\0') ? 'binary' : 'no-match';
}

/**
 * Turns lines into records, one input's lines in order. Holds caches, a note for a warning, and
 * the last stamp read with its time: a stamp's time can depend on the lines before it (a time of
 * day past midnight, a repeated hour), which {@link startElsewhere} sets aside.
 */
export class LineParser {
  private readonly prefixes: PrefixReader;
  private monthFirstShownLate: Where | null = null;
  private forcedMatchedElsewhere = 0;

  /** The options it was made with, the year settled: what makes the same parser elsewhere. */
  readonly options: Readonly<ParseOptions>;

  /** Throws a RangeError for an unknown time zone or strftime conversion (a usage error). */
  constructor(options: ParseOptions = {}) {
    const now = Date.now();
    const year = options.year ?? new Date(now).getUTCFullYear();
    // A time zone may put a stamp up to 14 hours ahead of UTC: a day more is no year off.
    const latest = options.year === undefined ? now + 2 * 86_400_000 : options.latest;
    this.options = { ...options, year, ...(latest === undefined ? {} : { latest }) };
    this.prefixes = new PrefixReader({
      clock: createClock(options.tz ?? 'UTC'),
      year: {
        year, ...(latest === undefined ? {} : { latest }),
        ...(options.firstDay === undefined ? {} : { day: options.firstDay }), ...(options.undatedUntil === undefined ? {} : { dayUntil: options.undatedUntil }),
      },
      ...(options.timestampFormat ? { timestampFormat: compileTimestampFormat(options.timestampFormat) } : {}),
    });
  }

  /**
   * Whether the line's stamp gives a time of day and no date, so that its date is the first
   * day's (see {@link ParseOptions.firstDay}) or comes from the lines before it: read as if a line
   * three hours later came before it, it moves to the next day.
   */
  datelessStamp(line: string): boolean {
    const where = { file: '', line: 0 };
    const time = new LineParser(this.options).parse(line, where).time;
    return time !== null && new LineParser(this.options).parse(line, where, { lastTime: time + 3 * 3_600_000 }).time !== time;
  }

  /** The first line that showed its log's numeric dates month first after some were read day first. */
  get monthFirstShownAt(): Where | null {
    return this.monthFirstShownLate;
  }

  /** Notes a line that showed the dates month first, found by a parser elsewhere ({@link LineContext.monthFirstLate}); the first one noted stays. */
  noteMonthFirstLate(where: Where): void {
    this.monthFirstShownLate ??= where;
  }

  /**
   * Starts reading lines that need not follow the last one it read: the stamp remembered from that
   * one is not reused, since the time of a stamp can depend on the line before it (a time of day
   * past midnight, a repeated hour).
   */
  startElsewhere(): void {
    this.prefixes.forgetLastStamp();
  }

  /** Lines the forced `timestampFormat` has read so far, here and by parsers elsewhere ({@link noteForcedMatches}), or null without one. */
  get forcedFormatMatches(): number | null {
    return this.options.timestampFormat === undefined ? null : this.prefixes.forcedMatches + this.forcedMatchedElsewhere;
  }

  /** Counts lines a parser elsewhere read with the forced format, for a run of lines it decoded in this parser's place. */
  noteForcedMatches(lines: number): void {
    this.forcedMatchedElsewhere += lines;
  }

  /** Decodes one line (without its newline). Always returns exactly one record. */
  parse(text: string, where: Where, context: LineContext = {}): LogRecord {
    const line = withoutBom(text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text);
    // A log truncated in place while the broker kept writing (copytruncate, a plain redirect) has
    // a hole of NUL bytes before the next line the broker wrote: that line is read, its raw text kept whole.
    if (line.charCodeAt(0) === 0) {
      const rest = line.replace(/^\0+/, '');
      if (rest !== '' && !rest.includes('\0')) return { ...this.parse(rest, where, context), raw: line };
    }
    const packet = this.scanStampedPacket(line, context.prev);
    if (packet) return complete(packet, line, where, this.prefixes.lastTime, undefined, isCut(line, true) || cutBy1x(packet, line, context.brokerVersion));
    const ctx: DecodeContext = { prev: context.prev, brokerVersion: context.brokerVersion, level: undefined, stamped: false };
    let unwrapped: Unwrapped;
    let body: RecordBody | null;
    try {
      unwrapped = this.prefixes.unwrap(line, context.lastTime ?? null);
      ctx.level = unwrapped.level;
      ctx.stamped = unwrapped.stamped;
      body = null;
      // A stamp of a shape only read here comes first: with it still on, a line may read as
      // another (`%s %d %s`, a subscribe line, takes any text for its client).
      if (!unwrapped.stamped) {
        const loose = this.readLooseStamp(unwrapped, ctx, context, where);
        if (loose) [unwrapped, body] = loose;
      }
      body ??= (unwrapped.joined === undefined ? null : decodeJoinedLines(unwrapped.joined, ctx)) ?? decodeMessage(unwrapped.message, ctx, false);
      if (!body && unwrapped.spaceTaken) {
        const spaced = this.readWithSpace(unwrapped, ctx);
        if (spaced) [unwrapped, body] = spaced;
      }
      if (!body && !unwrapped.stamped && unwrapped.brokerLine.length < line.length) body = envelopeLine(unwrapped.message);
    } catch {
      return this.unknown(line, where, null, line, 'no-match');
    }
    const cut = isCut(unwrapped.brokerLine, body !== null) || (body !== null && cutBy1x(body, unwrapped.message, context.brokerVersion));
    if (!body && cut) body = decodeMessage(unwrapped.message, ctx, true);
    if (!body) return this.unknown(line, where, unwrapped.time, unwrapped.message, otherProgram(unwrapped) ? 'other-program' : reasonFor(unwrapped.message), unwrapped.level, unwrapped.origin);
    return complete(body, line, where, unwrapped.time, unwrapped.level, cut, unwrapped.origin);
  }

  /**
   * The common line of a debug log, read without taking it apart first: the broker's line with
   * the same stamp as the line before, then a packet message. Null for any other line, which
   * then goes the general way (where it would be read the same).
   */
  private scanStampedPacket(line: string, prev: LogRecord | undefined): PacketRecord | null {
    // After a multi-line message the line may be its continuation: that is for the general way.
    if (prev?.type === 'message' || prev?.type === 'continuation') return null;
    const start = this.prefixes.sameStampLength(line);
    if (start < 0 || line.length - start > longestMessage) return null;
    return scanPacketLine(line, start);
  }

  /**
   * A record for a line too long to keep: its first characters stand in for the rest. `after` is
   * the last time read before it, which its stamp may need (a time of day, a repeated hour).
   */
  tooLong(head: string, where: Where, after: number | null = null): LogRecord {
    return this.unknown(head, where, this.prefixes.unwrap(head, after).time, head, 'too-long');
  }

  /** An RFC 5424 message read with the space taken from its front as rsyslog's put back. */
  private readWithSpace(unwrapped: Unwrapped, ctx: DecodeContext): [Unwrapped, RecordBody] | null {
    const message = ` ${unwrapped.message}`;
    const body = decodeMessage(message, ctx, false);
    return body ? [{ ...unwrapped, message, brokerLine: ` ${unwrapped.brokerLine}` }, body] : null;
  }

  /**
   * A numeric date read: one that shows its order sets the log's. A line that showed them month
   * first after dates were read day first is noted, for a warning.
   */
  private dateOrderSeen(order: DateOrder | 'either', context: LineContext, where: Where): void {
    if (order === 'either') {
      if (context.dateOrder === undefined || context.dateOrder === 'year-last') context.dateGuessed = true;
      return;
    }
    // Where the year stands says nothing of day and month.
    if (order === 'year-first' || order === 'year-last') {
      context.dateOrder ??= order;
      return;
    }
    if (order === 'month-first' && (context.dateOrder === undefined || context.dateOrder === 'year-last') && context.dateGuessed) {
      context.monthFirstLate = where;
      this.noteMonthFirstLate(where);
    }
    context.dateOrder = order;
  }

  /**
   * A message that starts with a stamp of unknown shape, read whole or, when the broker cut the
   * line, as far as it goes; a date that shows its order sets the log's.
   */
  private readLooseStamp(unwrapped: Unwrapped, ctx: DecodeContext, context: LineContext, where: Where): [Unwrapped, RecordBody] | null {
    const length = looseStampLength(unwrapped.message);
    if (length === 0) return null;
    const message = unwrapped.message.slice(length);
    const stamped = { ...ctx, stamped: true };
    const body = decodeMessage(message, stamped, false) ?? (isCut(unwrapped.brokerLine, false) ? decodeMessage(message, stamped, true) : null);
    if (!body) return null;
    const time = this.prefixes.looseTime(unwrapped.message.slice(0, length - 2), context.dateOrder, (order) => this.dateOrderSeen(order, context, where));
    return [{ ...unwrapped, message, time: time ?? unwrapped.time, stamped: true }, body];
  }

  private unknown(raw: string, where: Where, time: number | null, message: string, reason: UnknownReason, level?: Unwrapped['level'], origin?: string): LogRecord {
    return { type: 'unknown', family: 'unknown', file: where.file, line: where.line, time, raw, ...(level ? { level } : {}), message, reason, ...(origin !== undefined ? { origin } : {}) };
  }
}

/**
 * Decodes one line by itself, with default options (UTC, current year): the result depends on the
 * arguments alone. `context.prev` is the record of the line before, which topic lines and
 * continuations need.
 */
export function parseLine(text: string, where: Where, context: LineContext = {}): LogRecord {
  return new LineParser().parse(text, where, context);
}

/**
 * What a context carries to lines read apart from the line before it (the next file, a chunk
 * decoded ahead): the broker version, the last time, the order of numeric dates and whether one
 * was guessed, not the previous record.
 */
export function carriedContext({ brokerVersion, lastTime, dateOrder, dateGuessed }: Readonly<LineContext>): LineContext {
  return {
    ...(brokerVersion === undefined ? {} : { brokerVersion }),
    ...(lastTime === undefined ? {} : { lastTime }),
    ...(dateOrder === undefined ? {} : { dateOrder }),
    ...(dateGuessed ? { dateGuessed } : {}),
  };
}

/**
 * What a file's last line leaves the next file, read as the same log goes on (a rotated log):
 * what {@link carriedContext} carries, and the last record, which the next file's first line may
 * continue (a SUBSCRIBE whose topic lines were rotated into the next file).
 */
export function nextFileContext(end: Readonly<LineContext>): LineContext {
  return { ...carriedContext(end), ...(end.prev === undefined ? {} : { prev: end.prev }) };
}

/**
 * Whether a record is the broker sending one of its own log lines to a subscriber of
 * `$SYS/broker/log/#` (`log_dest topic`): it comes right after the line it sends, so the line after
 * it, which may belong to that line (a SUBSCRIBE's filters, a connect's will), reads past it.
 */
export function publishesLogLine(r: LogRecord): boolean {
  return r.type === 'packet' && r.cmd === 'publish' && r.direction === 'out' && r.topic !== undefined && r.topic.charCodeAt(0) === 36 && r.topic.startsWith('$SYS/broker/log/');
}

/** Decodes the lines of one input in order; see {@link createLineDecoder}. */
export interface LineDecoder {
  decode(text: string): LogRecord;
  tooLong(head: string): LogRecord;
  /** A line as the line reader gives it: its text, or the head of an over-long one. */
  line(line: Line): LogRecord;
  /** The previous record and broker version, as the next line would see them. */
  readonly context: Readonly<LineContext>;
}

/**
 * A stateful decoder for one input: numbers lines, remembers the previous record and the broker
 * version it announced. `start` picks it up in the middle of an input: the number of its first
 * line and what the lines before it left (by default line 1 and nothing). The parser reads its
 * first stamp afresh ({@link LineParser.startElsewhere}).
 */
export function createLineDecoder(file: string, parser: LineParser = new LineParser(), start: { line?: number; context?: LineContext } = {}): LineDecoder {
  parser.startElsewhere();
  let line = (start.line ?? 1) - 1;
  const context: LineContext = { ...start.context };
  const remember = (record: LogRecord): LogRecord => {
    if (!publishesLogLine(record)) context.prev = record;
    if (record.time !== null) context.lastTime = record.time;
    if (record.type === 'broker' && record.event === 'starting' && record.version) context.brokerVersion = record.version;
    return record;
  };
  const decode = (text: string): LogRecord => remember(parser.parse(text, { file, line: ++line }, context));
  const tooLong = (head: string): LogRecord => remember(parser.tooLong(head, { file, line: ++line }, context.lastTime ?? null));
  return { decode, tooLong, line: (l) => (typeof l === 'string' ? decode(l) : tooLong(l.head)), context };
}
