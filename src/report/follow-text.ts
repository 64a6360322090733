/**
 * One readable line per live event (`mosqlog follow`): session starts and ends with their
 * reason, findings with their severity; raw records indented under them with `--all`.
 * Log content goes through {@link safeText}; colour comes from the context.
 */
import { type CorrelatorEvent, type EndReason, type Finding, type LoggedEvent, type Session, type Severity, endpoint } from '../correlate/index.js';
import type { LogRecord } from '../parse/index.js';
import type { ReportContext } from './context.js';
import { connackOnly, describeFinding, loggedLine, owedByBroker, troubledEnds } from './finding-text.js';
import { formatDuration, formatTime, location, safeText } from './text.js';

/** How each end reason reads after the client id. */
const endWords: Record<EndReason, string> = {
  disconnect: 'disconnected',
  closed: 'closed its connection',
  timeout: 'timed out (keepalive)',
  'socket-error': 'lost its connection (socket error)',
  takeover: 'was taken over by a new connection',
  'protocol-error': 'was disconnected (protocol error)',
  'not-authorised': 'was disconnected (not authorised)',
  kicked: 'was disconnected by the broker',
  'broker-shutdown': 'ended with the broker',
  open: 'is still open',
  other: 'ended',
};

const severityLabels: Record<Severity, string> = { error: 'ERROR', warning: 'WARN ', info: 'INFO ' };

function paintSeverity(severity: Severity, text: string, ctx: ReportContext): string {
  return severity === 'error' ? ctx.chalk.red.bold(text) : severity === 'warning' ? ctx.chalk.yellow(text) : ctx.chalk.dim(text);
}

function paintEnd(reason: EndReason, text: string, ctx: ReportContext): string {
  if (reason === 'disconnect') return ctx.chalk.green(text);
  return troubledEnds.has(reason) ? ctx.chalk.red(text) : ctx.chalk.yellow(text);
}

function where(address: string | null, port: number | null): string {
  return safeText(endpoint(address, port) ?? 'an unknown address');
}

function sessionDetails(s: Session): string {
  const parts: string[] = [];
  if (s.fromConnack) parts.push(connackOnly);
  if (s.mqttVersion) parts.push(`MQTT ${s.mqttVersion}`);
  if (s.cleanSession !== null) parts.push(s.cleanSession ? 'clean' : 'persistent');
  if (s.keepalive !== null) parts.push(`keepalive ${s.keepalive}s`);
  if (s.username !== null) parts.push(`user ${safeText(s.username)}`);
  if (s.bridge) parts.push('bridge');
  return parts.join(', ');
}

/** `+ client connected …`, without the time column. */
function describeSessionStart(s: Session, ctx: ReportContext): string {
  if (s.outgoingBridge !== undefined) return `${ctx.chalk.green('+')} ${ctx.chalk.bold(safeText(s.client))}: bridge ${safeText(s.outgoingBridge)} connected to ${where(s.address, s.port)}`;
  const from = s.fromConnack ? '' : ` from ${where(s.address, s.port)}`;
  return `${ctx.chalk.green('+')} ${ctx.chalk.bold(safeText(s.client))} connected${from} (${sessionDetails(s)})`;
}

/**
 * `- client disconnected after 5s`, then the broker's detail (`: Connection reset by peer`), without
 * the time column. Its duration is to the second when both its stamps are whole seconds.
 */
function describeSessionEnd(s: Session, ctx: ReportContext): string {
  const wholeSeconds = s.start !== null && s.end !== null && s.start % 1000 === 0 && s.end % 1000 === 0;
  const after = s.durationMs !== null ? ` after ${formatDuration(s.durationMs, wholeSeconds)}` : '';
  return describeEnd(s.client, s.endReason, after, s.endDetail, ctx);
}

/** `- alice disconnected (a session begun before the log)`, without the time column. */
function describeEndBeforeLog(e: Extract<CorrelatorEvent, { kind: 'ended-before-log' }>, ctx: ReportContext): string {
  return `${describeEnd(e.client, e.reason, '', e.detail, ctx)} (a session begun before the log)`;
}

/** `- alice timed out<after>: <detail>`. */
function describeEnd(client: string, reason: EndReason, after: string, detail: string | undefined, ctx: ReportContext): string {
  const why = detail !== undefined ? `: ${safeText(detail)}` : '';
  return `${paintEnd(reason, '-', ctx)} ${ctx.chalk.bold(safeText(client))} ${paintEnd(reason, endWords[reason], ctx)}${after}${why}`;
}

/** `ERROR keepalive-timeout  alice exceeded …  (broker.log:12)`, without the time column. */
function describeFindingLine(f: Finding, ctx: ReportContext): string {
  const where = f.at[0] ? ctx.chalk.dim(`  (${location(f.at[0])})`) : '';
  return `${paintSeverity(f.severity, `${severityLabels[f.severity]} ${f.code}`, ctx)}  ${safeText(describeFinding(f))}${where}`;
}

/**
 * `WAIT  flow-stalled  m12 QoS 1 to alice on a/b: no PUBACK from alice for 30s, though it is
 * still connected  (broker.log:40)`, without the time column.
 */
function describeStalledFlow(e: Extract<CorrelatorEvent, { kind: 'flow-stalled' }>, ctx: ReportContext): string {
  const f = e.flow;
  const client = safeText(f.client);
  const message = `m${f.mid} QoS ${f.qos} ${f.direction === 'in' ? 'from' : 'to'} ${client}${f.topic !== null ? ` on ${safeText(f.topic)}` : ''}`;
  const waited = formatDuration(e.time - e.since);
  const step = e.awaiting?.toUpperCase() ?? 'acknowledgement';
  const what = e.awaiting !== null && owedByBroker(f.direction, e.awaiting)
    ? `the broker has sent no ${step} for ${waited}, though ${client} is still connected`
    : `no ${step} from ${client} for ${waited}, though it is still connected`;
  const last = f.steps[f.steps.length - 1]?.at;
  return `${ctx.chalk.yellow('WAIT  flow-stalled')}  ${message}: ${what}${last ? ctx.chalk.dim(`  (${location(last)})`) : ''}`;
}

function stamp(time: number | null, ctx: ReportContext): string {
  return ctx.chalk.dim(formatTime(time, ctx.timeZone));
}

/**
 * One line for an event, or null for events left out: failed attempts (their findings speak for
 * them), flow starts and ends and stray acknowledgements (flows are reported when they go wrong),
 * judged filters, the events that say a guess was made or that something settled, and the
 * broker's errors and warnings, which {@link renderFollowLoggedText} says when they are not too many.
 */
export function renderFollowEventText(e: CorrelatorEvent, ctx: ReportContext): string | null {
  switch (e.kind) {
    case 'session-start': return `${stamp(e.session.start, ctx)}  ${describeSessionStart(e.session, ctx)}`;
    case 'session-end': return `${stamp(e.session.end, ctx)}  ${describeSessionEnd(e.session, ctx)}`;
    case 'ended-before-log': return `${stamp(e.time, ctx)}  ${describeEndBeforeLog(e, ctx)}`;
    case 'finding': return `${stamp(e.time, ctx)}  ${describeFindingLine(e.finding, ctx)}`;
    case 'flow-stalled': return `${stamp(e.time, ctx)}  ${describeStalledFlow(e, ctx)}`;
    case 'attempt':
    case 'logged':
    case 'flow-start':
    case 'flow-end':
    case 'flow-settled':
    case 'flow-resent':
    case 'orphan-ack':
    case 'subscription-denied':
    case 'subscription-granted':
    case 'finding-settled':
    case 'attempt-guessed':
    case 'attempt-settled':
    case 'session-unsettled':
    case 'session-settled':
      return null;
  }
}

/**
 * An error or a warning the broker logged: `ERROR logged  Error in poll: Bad file descriptor.
 * (broker.log:40; 119 more like it before this one, not shown)`, `count` counting this one.
 */
export function renderFollowLoggedText(e: LoggedEvent, count: number, ctx: ReportContext): string {
  const since = count > 1 ? `; ${count - 1} more like it before this one, not shown` : '';
  return `${stamp(e.record.time, ctx)}  ${paintSeverity(e.level, `${severityLabels[e.level]} logged`, ctx)}  ${safeText(loggedLine(e.record))}${ctx.chalk.dim(`  (${location(e.record)}${since})`)}`;
}

/** A raw log line (`--all`), indented and dimmed so events stand out. */
export function renderFollowRecordText(r: LogRecord, ctx: ReportContext): string {
  return `  ${ctx.chalk.dim(safeText(r.raw))}`;
}
