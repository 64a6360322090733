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
const deniedTopic = /^\t(.*) \(denied\)$/s;
const subscribeTypeLine = /^(\d+) (.*)$/s;
const looseSubscribeLine = /^(\S+) ([012]) (.+)$/s;

/**
 * Decodes a tab-indented topic line (1.3.1–2.1.2 debug): `\tfilter (QoS n)`,
 * `\tfilter (denied)` (2.1.0+), or `\tfilter` (unsubscribe topic or will topic).
 */
export function decodeTabLine(message: string, ctx: DecodeContext): RecordBody {
  const request = openRequest(ctx.prev);
  const client = request?.client ?? null;
  const sub = subscribeTopic.exec(message);
  if (sub && request?.action !== 'unsubscribe') {
    const qos = toQos(Number(sub[2]));
    return { type: 'subscription', family: 'subscribe', level: 'debug', action: 'subscribe', client, filter: sub[1] ?? '', ...(qos !== undefined ? { qos } : {}) };
  }
  const denied = deniedTopic.exec(message);
  if (denied && request?.action !== 'unsubscribe') {
    return { type: 'subscription', family: 'subscribe', level: 'debug', action: 'subscribe', client, filter: denied[1] ?? '', denied: true };
  }
  const prev = ctx.prev;
  if (prev?.type === 'will' && prev.event === 'specified') {
    return { type: 'will', family: 'will', level: 'debug', event: 'topic', client: prev.client, topic: message.slice(1) };
  }
  return { type: 'subscription', family: 'unsubscribe', level: 'debug', action: 'unsubscribe', client, filter: message.slice(1) };
}

/**
 * Decodes a `log_type subscribe` line (`client qos filter`) or `log_type unsubscribe` line
 * (`client filter`) inside a SUBSCRIBE/UNSUBSCRIBE. The client id may contain spaces, so it is
 * taken from the request line when there is one. Outside a request only the subscribe shape with
 * a single-word id is accepted.
 */
export function decodeRequestLine(message: string, ctx: DecodeContext): RecordBody | null {
  const request = openRequest(ctx.prev);
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
  }
  if (ctx.level === 'unsubscribe') {
    // A `$SYS/broker/log/M/unsubscribe` line: `client filter`, with no request line before it.
    const space = message.indexOf(' ');
    if (space > 0) {
      return { type: 'subscription', family: 'unsubscribe', level: 'unsubscribe', action: 'unsubscribe', client: message.slice(0, space), filter: message.slice(space + 1) };
    }
  }
  const loose = looseSubscribeLine.exec(message);
  const qos = loose ? toQos(Number(loose[2])) : undefined;
  if (loose && qos !== undefined) {
    return { type: 'subscription', family: 'subscribe', level: 'subscribe', action: 'subscribe', client: loose[1] ?? '', filter: loose[3] ?? '', qos };
  }
  return null;
}
