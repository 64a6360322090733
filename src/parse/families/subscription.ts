/**
 * Lines that only make sense after the line before them: the tab-indented topic lines of a
 * SUBSCRIBE/UNSUBSCRIBE (debug), the `log_type subscribe` / `unsubscribe` lines
 * (`client qos filter`, `client filter`), and the will topic after `Will message specified`.
 */
import { type DecodeContext, toQos } from '../pattern.js';
import type { LogRecord, RecordBody } from '../record.js';

/** The SUBSCRIBE or UNSUBSCRIBE a line may belong to, from the record before it. */
function openRequest(prev: LogRecord | undefined): { action: 'subscribe' | 'unsubscribe'; client: string | null } | null {
  if (!prev) return null;
  if (prev.type === 'packet' && prev.direction === 'in' && (prev.cmd === 'subscribe' || prev.cmd === 'unsubscribe')) {
    return { action: prev.cmd, client: prev.client };
  }
  if (prev.type === 'subscription') return { action: prev.action, client: prev.client };
  return null;
}

const subscribeTopic = /^\t(.*) \(QoS (\d+)\)$/s;
/** 1.x formats `\t%s (QoS %d)` into `strlen(format) + 500` bytes: at most 511 of text. */
const oneXTopicLineLimit = 511;
const deniedTopic = /^\t(.*) \(denied\)$/s;
const subscribeTypeLine = /^(\d+) (.*)$/s;
// The space before a QoS; a lookahead, so that a digit between two splits ends neither.
const qosBetween = / (?=([012]) )/g;
const plainSubscribeLine = /^(\S+) ([012]) (\S+)$/;

/**
 * Splits a `log_type subscribe` line with no request line before it: `client qos filter`, where
 * the id may hold spaces and digits. Filters seldom hold spaces, so the last split that leaves a
 * filter without one is taken, else the first.
 */
function splitSubscribeLine(message: string): { client: string; qos: 0 | 1 | 2; filter: string } | null {
  let chosen: RegExpExecArray | null = null;
  for (const m of message.matchAll(qosBetween)) {
    if (m.index === 0) continue;
    if (chosen === null || !message.includes(' ', m.index + 3)) chosen = m;
  }
  const qos = chosen ? toQos(Number(chosen[1])) : undefined;
  if (!chosen || qos === undefined || chosen.index + 3 >= message.length) return null;
  return { client: message.slice(0, chosen.index), qos, filter: message.slice(chosen.index + 3) };
}

/**
 * Decodes a tab-indented topic line (1.3.1–2.1.2 debug): `\tfilter (QoS n)`,
 * `\tfilter (denied)` (2.1.0+), or `\tfilter` (unsubscribe topic or will topic). The broker
 * prints one only right after its request line, a topic line or `Will message specified`:
 * null after any other line (an indented line of another program's output, a stack trace).
 */
export function decodeTabLine(message: string, ctx: DecodeContext): RecordBody | null {
  // The line after `Will message specified` is its topic, whatever it ends with (`status (QoS 1)`).
  const prev = ctx.prev;
  if (prev?.type === 'will' && prev.event === 'specified') {
    return { type: 'will', family: 'will', level: 'debug', event: 'topic', client: prev.client, topic: message.slice(1) };
  }
  const request = openRequest(prev);
  const sub = subscribeTopic.exec(message);
  // The first line read (a log cut, or begun, inside a SUBSCRIBE): a filter of a client it does not name.
  if (request === null && prev === undefined && sub) {
    const qos = toQos(Number(sub[2]));
    return { type: 'subscription', family: 'subscribe', level: 'debug', action: 'subscribe', client: null, filter: sub[1] ?? '', ...(qos !== undefined ? { qos } : {}) };
  }
  if (request === null) return null;
  const client = request.client;
  if (sub && request.action !== 'unsubscribe') {
    const qos = toQos(Number(sub[2]));
    return { type: 'subscription', family: 'subscribe', level: 'debug', action: 'subscribe', client, filter: sub[1] ?? '', ...(qos !== undefined ? { qos } : {}) };
  }
  const denied = deniedTopic.exec(message);
  if (denied && request.action !== 'unsubscribe') {
    return { type: 'subscription', family: 'subscribe', level: 'debug', action: 'subscribe', client, filter: denied[1] ?? '', denied: true };
  }
  // A subscribe's topic line without its ` (QoS n)`: 1.x cuts it at 511 bytes, and one that long was cut.
  if (request.action === 'subscribe') {
    const cut = Buffer.byteLength(message) >= oneXTopicLineLimit;
    return { type: 'subscription', family: 'subscribe', level: 'debug', action: 'subscribe', client, filter: message.slice(1), ...(cut ? { truncated: true } : {}) };
  }
  return { type: 'subscription', family: 'unsubscribe', level: 'debug', action: 'unsubscribe', client, filter: message.slice(1) };
}

/**
 * Decodes a `log_type subscribe` line (`client qos filter`) or `log_type unsubscribe` line
 * (`client filter`) inside a SUBSCRIBE/UNSUBSCRIBE. The client id may contain spaces, so it is
 * taken from the request line when there is one, or the line before. Outside a request only a
 * `$SYS/broker/log/M/subscribe` line, or a subscribe line of one-word id and filter, is accepted.
 */
export function decodeRequestLine(message: string, ctx: DecodeContext): RecordBody | null {
  // Without debug lines a client's subscribe lines follow its connect line.
  const prev = ctx.prev;
  const request = openRequest(prev) ?? (prev?.type === 'client-connected' ? { action: 'subscribe' as const, client: prev.client } : null);
  // A `$SYS/broker/log/M/…` topic names the action, whatever the line before was.
  const action = ctx.level === 'subscribe' || ctx.level === 'unsubscribe' ? ctx.level : request?.action;
  if (request?.client && message.startsWith(request.client + ' ')) {
    const rest = message.slice(request.client.length + 1);
    if (action === 'unsubscribe') {
      return { type: 'subscription', family: 'unsubscribe', level: 'unsubscribe', action: 'unsubscribe', client: request.client, filter: rest };
    }
    const m = subscribeTypeLine.exec(rest);
    const qos = m ? toQos(Number(m[1])) : undefined;
    if (m && qos !== undefined) {
      return { type: 'subscription', family: 'subscribe', level: 'subscribe', action: 'subscribe', client: request.client, filter: m[2] ?? '', qos };
    }
    // After the client's `log_type subscribe` lines or its connect line, without debug lines to
    // say so: its unsubscribe (`CLIENT FILTER`).
    const afterOwn = (ctx.prev?.type === 'subscription' && ctx.prev.level === 'subscribe') || (ctx.prev?.type === 'client-connected' && !rest.includes(' '));
    if (afterOwn && ctx.level !== 'subscribe') {
      return { type: 'subscription', family: 'unsubscribe', level: 'unsubscribe', action: 'unsubscribe', client: request.client, filter: rest };
    }
  }
  if (ctx.level === 'unsubscribe') {
    // A `$SYS/broker/log/M/unsubscribe` line: `client filter`, with no request line before it.
    const space = message.indexOf(' ');
    if (space > 0) {
      return { type: 'subscription', family: 'unsubscribe', level: 'unsubscribe', action: 'unsubscribe', client: message.slice(0, space), filter: message.slice(space + 1) };
    }
  }
  // A `$SYS/broker/log/M/subscribe` line says what it is, so its id may hold spaces; elsewhere a
  // line of one word, a QoS and one word is taken for one, and nothing less certain.
  if (ctx.level === 'subscribe') {
    const split = splitSubscribeLine(message);
    return split ? { type: 'subscription', family: 'subscribe', level: 'subscribe', action: 'subscribe', ...split } : null;
  }
  const plain = plainSubscribeLine.exec(message);
  const qos = plain ? toQos(Number(plain[2])) : undefined;
  if (!plain || qos === undefined) return null;
  return { type: 'subscription', family: 'subscribe', level: 'subscribe', action: 'subscribe', client: plain[1] ?? '', filter: plain[3] ?? '', qos };
}
