/**
 * Turns message shapes into anchored regular expressions.
 *
 * Two spellings are understood:
 * - templates, used by the family tables: `Client {client} disconnected.`, `(m{mid:int})`;
 * - printf formats, as the broker source writes them: `Client %s disconnected.`.
 * Both compile to the same {@link CompiledShape}.
 */

/** What a placeholder matches. */
export type SlotKind = 'str' | 'int' | 'hex';

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
  int: '(-?\\d+)',
  hex: '([0-9A-Fa-f]+)',
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
  const re = /\{(\w+)(?::(int|hex))?\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) tokens.push(template.slice(last, m.index));
    tokens.push({ name: m[1] ?? '', kind: (m[2] as SlotKind | undefined) ?? 'str' });
    last = m.index + m[0].length;
  }
  if (last < template.length) tokens.push(template.slice(last));
  return compileTokens(tokens);
}

/** Compiles one physical line of a broker printf format; placeholders are named p0, p1, … */
export function compilePrintf(format: string): CompiledShape {
  const tokens: Token[] = [];
  const re = /%(%|[-+ #0-9.*]*l*[a-zA-Z])/g;
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

/**
 * Matches a message that the broker cut short: every literal seen must agree with the shape
 * and the message must end inside it. Placeholders take what they can. Returns null when the
 * message is not a prefix of the shape or does not reach past its first literal.
 */
export function matchShapePrefix(shape: CompiledShape, message: string): Fields | null {
  const fields: Fields = {};
  let pos = 0;
  const tokens = shape.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (pos >= message.length) return i === 0 ? null : fields;
    if (typeof token === 'string') {
      const rest = message.slice(pos, pos + token.length);
      if (!token.startsWith(rest)) return null;
      pos += rest.length;
      continue;
    }
    const next = tokens[i + 1];
    let end = message.length;
    if (typeof next === 'string') {
      const at = message.indexOf(next, pos);
      if (at >= 0) end = at;
    }
    const text = message.slice(pos, end);
    if (token.kind === 'int') {
      // A number the cut ran into is incomplete, so it is left out rather than read short.
      if (end === message.length ? !/^-?\d*$/.test(text) : !/^-?\d+$/.test(text)) return null;
      if (end < message.length) fields[token.name] = Number(text);
    } else {
      fields[token.name] = text;
    }
    pos = end;
  }
  return pos === message.length ? fields : null;
}
