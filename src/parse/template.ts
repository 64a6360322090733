/**
 * Turns message shapes into anchored regular expressions.
 *
 * Two spellings are understood:
 * - templates, used by the family tables: `Client {client} disconnected.`, `(m{mid:int})`;
 * - printf formats, as the broker source writes them: `Client %s disconnected.`.
 * Both compile to the same {@link CompiledShape}.
 */

/**
 * What a placeholder matches; `name` is a packet name, a run of capitals; `short` is text that
 * takes as little as the shape allows (an address, before an id that may hold anything).
 */
export type SlotKind = 'str' | 'short' | 'int' | 'hex' | 'name';

interface Slot {
  name: string;
  kind: SlotKind;
}

type Token = string | Slot;

/** A compiled message shape. */
export interface CompiledShape {
  re: RegExp;
  slots: readonly Slot[];
  /** The literal text before the first placeholder, up to its first space (the index key). */
  firstWord: string;
  /** The first two words, when the literal text before the first placeholder holds both whole. */
  firstTwoWords: string | null;
  /** Number of literal characters: more literal text means a more specific shape. */
  literalLength: number;
  /**
   * The longest literal run, for a cheap `includes` test before the regex; empty when the regex
   * starts with enough literal text to fail as fast on its own.
   */
  anchor: string;
  tokens: readonly Token[];
}

/** Decoded placeholder values by name. */
export type Fields = Record<string, string | number>;

const slotPattern: Record<SlotKind, string> = {
  str: '(.*)',
  short: '(.*?)',
  int: '(-?\\d+)',
  hex: '([0-9A-Fa-f]+)',
  name: '([A-Z]+)',
};

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

function compileTokens(tokens: Token[]): CompiledShape {
  let source = '^';
  let literalLength = 0;
  let anchor = '';
  const slots: Slot[] = [];
  for (const token of tokens) {
    if (typeof token === 'string') {
      source += escapeLiteral(token);
      literalLength += token.length;
      if (token.length > anchor.length) anchor = token;
    } else {
      source += slotPattern[token.kind];
      slots.push(token);
    }
  }
  const head = tokens[0];
  const words = typeof head === 'string' ? head.split(' ') : [];
  const firstWord = words[0] ?? '';
  const firstTwoWords = words.length >= 3 ? `${firstWord} ${words[1]}` : null;
  if (typeof head === 'string' && head.length >= 8) anchor = '';
  return { re: new RegExp(source + '$', 's'), slots, firstWord, firstTwoWords, literalLength, anchor, tokens };
}

/** Compiles a template such as `New connection from {address} on port {listenerPort:int}.` */
export function compileTemplate(template: string): CompiledShape {
  const tokens: Token[] = [];
  const re = /\{(\w+)(?::(int|hex|name|short))?\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) tokens.push(template.slice(last, m.index));
    tokens.push({ name: m[1] ?? '', kind: (m[2] as SlotKind | undefined) ?? 'str' });
    last = m.index + m[0].length;
  }
  if (last < template.length) tokens.push(template.slice(last));
  return compileTokens(tokens);
}

/** A printf conversion as the broker's formats write them, `%%` included. */
const printfConversion = /%(%|[-+ #0-9.*]*l*[a-zA-Z])/g;

/** Compiles one physical line of a broker printf format; placeholders are named p0, p1, … */
export function compilePrintf(format: string): CompiledShape {
  const tokens: Token[] = [];
  const re = new RegExp(printfConversion);
  let literal = '';
  let index = 0;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    literal += format.slice(last, m.index);
    last = m.index + m[0].length;
    const spec = m[1] ?? '';
    if (spec === '%') {
      literal += '%';
      continue;
    }
    if (literal) tokens.push(literal);
    literal = '';
    const conv = spec.at(-1) ?? 's';
    const kind: SlotKind = 'diu'.includes(conv) ? 'int' : 'xX'.includes(conv) ? 'hex' : 'str';
    tokens.push({ name: `p${index++}`, kind });
  }
  literal += format.slice(last);
  if (literal) tokens.push(literal);
  return compileTokens(tokens);
}

/**
 * A broker message from its printf format and the values its line held (a message record's
 * `format` and `params`): each placeholder takes the next value as the line showed it, `missing`
 * where the broker cut the line before it.
 */
export function fillPrintf(format: string, params: ReadonlyArray<string | number>, missing = '…'): string {
  let next = 0;
  return format.replace(printfConversion, (_all, spec: string) => (spec === '%' ? '%' : String(params[next++] ?? missing)));
}

/** Matches a whole message against a shape; returns its fields or null. */
export function matchShape(shape: CompiledShape, message: string): Fields | null {
  if (shape.anchor.length > 3 && !message.includes(shape.anchor)) return null;
  const m = shape.re.exec(message);
  if (!m) return null;
  const fields: Fields = {};
  for (let i = 0; i < shape.slots.length; i++) {
    const slot = shape.slots[i] as Slot;
    const text = m[i + 1] ?? '';
    fields[slot.name] = slot.kind === 'int' ? Number(text) : text;
  }
  return fields;
}

/** A whole number of an `int` placeholder. */
const wholeInt = /^-?\d+$/;

/** Text a placeholder of this kind can hold, whole or cut short. */
const slotText: Record<SlotKind, RegExp> = {
  str: /^/,
  short: /^/,
  int: /^-?\d*$/,
  hex: /^[0-9A-Fa-f]*$/,
  name: /^[A-Z]*$/,
};

/**
 * Matches a message that the broker cut short: every literal seen must agree with the shape
 * and the message must end inside it. Placeholders take what they can; a number the cut ran
 * into is left out rather than read short. Returns null when the message is not a prefix of
 * the shape or does not reach into a literal.
 */
export function matchShapePrefix(shape: CompiledShape, message: string): Fields | null {
  return readCutMessage(shape, message)?.fields ?? null;
}

/** How a shape reads a cut message ({@link readCutMessage}). */
export interface CutReading {
  fields: Fields;
  /** Where the last literal text the message holds whole ends. */
  wholeEnd: number;
  /** Where the literal text the cut ran into begins; the message's length when the cut fell in a placeholder. */
  tailStart: number;
  /** Literal characters the message holds, the cut one's included. */
  literal: number;
}

/** {@link matchShapePrefix}, with what tells how far the shape reads into the message. */
export function readCutMessage(shape: CompiledShape, message: string): CutReading | null {
  const fields: Fields = {};
  let pos = 0;
  let literal = 0;
  let wholeEnd = 0;
  let tailStart = message.length;
  const tokens = shape.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (pos >= message.length) return literal > 0 ? { fields, wholeEnd, tailStart, literal } : null;
    if (typeof token === 'string') {
      const rest = message.slice(pos, pos + token.length);
      if (!token.startsWith(rest)) return null;
      if (rest.length === token.length) wholeEnd = pos + rest.length;
      else tailStart = pos;
      pos += rest.length;
      literal += rest.length;
      continue;
    }
    const [end, whole] = slotEnd(tokens, i, message, pos);
    const text = message.slice(pos, end);
    if (!slotText[token.kind].test(text) || (token.kind !== 'str' && token.kind !== 'short' && whole && text === '')) return null;
    if (token.kind === 'int') {
      // A number may be cut to its minus sign, but one the literal after it follows is whole.
      if (whole && !wholeInt.test(text)) return null;
      if (whole) fields[token.name] = Number(text);
    } else {
      fields[token.name] = text;
    }
    pos = end;
  }
  return pos === message.length && literal > 0 ? { fields, wholeEnd, tailStart, literal } : null;
}

/**
 * Where a placeholder of a cut message ends, and whether it ends before the next literal (so its
 * text is whole). Text runs to the next literal; a number or a name stops where the message ends
 * with the start of that literal (`(12 byt`).
 */
function slotEnd(tokens: readonly Token[], i: number, message: string, pos: number): [number, boolean] {
  const slot = tokens[i] as Slot;
  const next = tokens[i + 1];
  if (typeof next !== 'string') return [message.length, false];
  const at = message.indexOf(next, pos);
  if (at >= 0) return [slot.kind === 'str' || slot.kind === 'short' ? beforeNumber(tokens, i, message, at) : at, true];
  if (slot.kind === 'str' || slot.kind === 'short') {
    // A cut inside the literal after the text (`… 'topic', ..`) is taken to end the text where
    // the literal would begin: a guess, as the text could end so itself, but not on one character.
    // Only a place that holds the literal's first character can begin it.
    const first = next.charCodeAt(0);
    for (let at = message.length - Math.min(next.length - 1, message.length - pos); at <= message.length - 2; at++) {
      if (message.charCodeAt(at) === first && next.startsWith(message.slice(at))) return [at, true];
    }
    return [message.length, false];
  }
  const run = slotRun[slot.kind];
  run.lastIndex = pos;
  run.test(message);
  const end = run.lastIndex;
  return end < message.length && next.startsWith(message.slice(end)) ? [end, true] : [message.length, false];
}

/**
 * Where text ends that a literal and a number follow, such as an address before `:` and its port,
 * given `at`, the first place the literal stands: the first place a number follows it, up to the
 * literal after the number or the cut. An IPv6 address holds colons of its own.
 */
function beforeNumber(tokens: readonly Token[], i: number, message: string, at: number): number {
  const [next, number, after] = [tokens[i + 1] as string, tokens[i + 2], tokens[i + 3]];
  if (typeof number !== 'object' || number.kind !== 'int') return at;
  const digits = slotRun.int;
  for (let place = at; place >= 0; place = message.indexOf(next, place + 1)) {
    digits.lastIndex = place + next.length;
    digits.test(message);
    const end = digits.lastIndex;
    if (end === message.length) return place;
    if (end > place + next.length && (after === undefined || (typeof after === 'string' && (message.startsWith(after, end) || after.startsWith(message.slice(end)))))) return place;
  }
  return at;
}

/** The longest run a number or a name can take, from `lastIndex`. */
const slotRun: Record<SlotKind, RegExp> = {
  str: /[^]*/y,
  short: /[^]*/y,
  int: /-?\d*/y,
  hex: /[0-9A-Fa-f]*/y,
  name: /[A-Z]*/y,
};
