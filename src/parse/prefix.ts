/**
 * Line prefixes: what stands before the broker's message.
 *
 * Two layers, detected per line (a file may mix them):
 * - an envelope added by whatever stored the log: syslog (RFC 3164 / 5424, busybox's with the
 *   facility and level), OpenWrt's `logread`, journalctl `short-iso` / `short-precise` /
 *   `short-full` / `short-unix` / `json` / `json-seq`, docker compose, docker json-file, CRI,
 *   `kubectl logs --prefix`, or a `mosquitto_sub -v` line from `$SYS/broker/log/#`;
 * - the broker's own prefix: epoch seconds `1700000000: ` (default), a `log_timestamp_format`
 *   strftime text followed by `: ` (1.6+), `Time error: `, or nothing (`log_timestamp false`).
 */
import { type Clock, type StampYear, calendarTime, fractionMs, isCalendarDate, monthNumber, parseOffset, readAfter } from './clock.js';
import type { Level } from './record.js';
import { type DateOrder, type TimestampFormat, readLooseTime, zoneOffset } from './strftime.js';

/** How to read times that carry no zone or year. */
export interface PrefixOptions {
  clock: Clock;
  /** Year for syslog headers, which have none. */
  year: StampYear;
  /** A forced `log_timestamp_format` (`--timestamp-format`). */
  timestampFormat?: TimestampFormat;
}

/** A line with its prefixes taken off. */
export interface Unwrapped {
  time: number | null;
  /** The broker's message. */
  message: string;
  /** The broker's line as it wrote it (its prefix plus the message), for the length limit. */
  brokerLine: string;
  /** True when the broker's own time prefix (or `Time error: `) was present. */
  stamped: boolean;
  level?: Level;
  /**
   * A syslog message with rsyslog's `#012` read as newlines, when it holds any: the broker's own
   * text where a format of several lines reads it, else `message` is (see {@link readSyslogEscapes}).
   */
  joined?: string;
  /**
   * Who wrote the line, as its envelope names it: a syslog or journal line's host and program
   * with its process id (`gw1 mosquitto[812]`), a docker compose service, a `kubectl --prefix`
   * pod and container. Lines of one broker have one, until it restarts.
   */
  origin?: string;
  /** Set when `origin` is a syslog or journal line's, which ends in the program that wrote it (see {@link originProgram}). */
  systemLog?: true;
  /**
   * Set when a space was taken off the front of an RFC 5424 message without the broker's prefix
   * as rsyslog's own: the sender's message may have begun with it.
   */
  spaceTaken?: true;
}

const sysTopicLevels: Record<string, Level> = {
  E: 'error', W: 'warning', N: 'notice', I: 'info', D: 'debug',
  'M/subscribe': 'subscribe', 'M/unsubscribe': 'unsubscribe', WS: 'websockets',
};

const syslogSeverity: readonly Level[] = ['error', 'error', 'error', 'error', 'warning', 'notice', 'info', 'debug'];

// A host name never ends in `:` and a program name is not a number: a broker stamp after the
// envelope's time (`1795761885: Error: …`, `2026-11-27 06:44:47: …`) or in a stamp of the same
// shape (`Nov 27 06:49:42 2026: Error: …`) is no host and program.
const rfc3164 = /^(?:<(\d{1,3})>)?([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? ((\S*[^\s:]) ([^\s:[]*[^\s:[\d][^\s:[]*)(?:\[\d+\])?): ?/;
// A local syslog may leave the host out (`Jan  1 00:00:02 mosquitto[812]: …`). Its program is
// then taken only in lower case and with its process id, or named `mosquitto`: a broker stamp may
// end in a word (`%p`, `%Z`: `Jan 01 12:00:02 AM: …`, `Mar 05 14:07:09 utc: …`).
const rfc3164NoHost = /^(?:<(\d{1,3})>)?([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (([a-z][\w.-]*)(?:\[\d+\]|(?<=mosquitto))): ?/;
const rfc5424 = /^<(\d{1,3})>1 (\S+) (\S+ \S+ \S+) \S+ (?:-|(?:\[(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*\])+) ?/;
// journalctl writes the zone as an offset (`+0000`, `+00:00`), never `Z`: a `Z` time is docker's,
// and a `Word word:` after it (`Client aa:bb:…`, `Connection Refused: …`) is the broker's message.
const journalIso = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:[.,](\d+))?([+-]\d\d:?\d\d) ((\S*[^\s:]) ([^\s:[]*[^\s:[\d][^\s:[]*)(?:\[\d+\])?): ?/;
// rsyslog's RFC 3339 times in UTC end in `Z`: with a program in lower case and its process id
// after the host, the line is no docker one (`… OpenSSL Error[0]: …` is the broker's message).
const syslogIsoZ = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:[.,](\d+))?(Z) ((\S*[^\s:]) ([a-z][\w.-]*)\[\d+\]): ?/;
/** busybox syslogd and OpenWrt write the facility and level before the program (`daemon.notice`). */
const busybox = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\S*[^\s:]) [a-z]+\.([a-z]+) ([^\s:[]*[^\s:[\d][^\s:[]*)(?:\[\d+\])?: ?/;
/** OpenWrt's `logread`: a `%c` time with the year, then the facility and level. */
const logread = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4}) [a-z]+\.([a-z]+) ([^\s:[]*[^\s:[\d][^\s:[]*)(?:\[\d+\])?: ?/;
/** journalctl `short-full`: a day name, the date and time, and the zone's name or offset. */
const journalFull = /^[A-Z][a-z]{2} (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? ([A-Z]{2,5}|UTC|[+-]\d\d(?::?\d\d)?) ((\S*[^\s:]) ([^\s:[]*[^\s:[\d][^\s:[]*)(?:\[\d+\])?): ?/;
/** journalctl `short-unix`: epoch seconds with their fraction. */
const journalUnix = /^(\d{9,11}\.\d+) ((\S*[^\s:]) ([^\s:[]*[^\s:[\d][^\s:[]*)(?:\[\d+\])?): ?/;
/** syslog's level names as busybox and OpenWrt write them. */
const levelNames: Record<string, Level> = {
  emerg: 'error', alert: 'error', crit: 'error', err: 'error', error: 'error', warn: 'warning', warning: 'warning', notice: 'notice', info: 'info', debug: 'debug',
};
const cri = /^(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)) (?:stdout|stderr) [FP] /;
const compose = /^[A-Za-z0-9][\w.-]* +\| /;
/** A docker compose prefix in colour (`--ansi always`): the colour sequences around the service's name. */
const colouredCompose = /^(?:\x1b\[[0-9;]*m)+([A-Za-z0-9][\w.-]* +\| ?)(?:\x1b\[[0-9;]*m)+/;
/** `kubectl logs --prefix`: the pod (or other object) and container, `[pod/mosquitto-0/mosquitto] `. */
const kubectl = /^\[[a-z]+\/[^\]\s]+\] /;
/** `docker logs -t`: the engine's RFC 3339 time, then the container's line. */
const dockerTimestamps = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;
const isoStamp = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?(?:[ ,]?(Z|[+-]\d\d:?\d\d))?: /;

/**
 * rsyslog writes control characters as `#` and three octal digits but leaves `#` itself alone,
 * so `#011` may as well be a client's own text. The broker starts a line with a tab only for a
 * SUBSCRIBE or UNSUBSCRIBE topic or a will topic (`\t%s (QoS %d)`, `\t%s`): a `#011` is a tab
 * only where it starts the broker's message. Its only newlines are those of a few formats of
 * several lines: a message with `#012` is also offered with newlines, as {@link Unwrapped.joined}.
 */
function readSyslogEscapes(unwrapped: Unwrapped): Unwrapped {
  const { message, brokerLine } = unwrapped;
  const joined = message.includes('#012') ? message.replaceAll('#012', '\n') : undefined;
  // A stamp of a shape only the parser reads (`27/11/2026 20:43:52: `) is still on the message,
  // which starts after it.
  const start = unwrapped.stamped ? 0 : looseStampLength(message);
  if (!message.startsWith('#011', start)) return joined === undefined ? unwrapped : { ...unwrapped, joined };
  const tabbed = `${message.slice(0, start)}\t${message.slice(start + 4)}`;
  return { ...unwrapped, message: tabbed, brokerLine: brokerLine.slice(0, brokerLine.length - message.length) + tabbed };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Length of a leading `digits: ` epoch prefix, or 0. */
function epochPrefixLength(text: string): number {
  let i = 0;
  while (i < 20 && isDigit(text.charCodeAt(i))) i++;
  return i > 0 && text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 32 ? i + 2 : 0;
}

/**
 * The time of a `digits: ` stamp. Up to eleven digits are epoch seconds (the default prefix; a
 * device without a clock prints small ones). Twelve or more are no date of any real year in
 * seconds: they are a compact `log_timestamp_format` in local time, `%Y%m%d%H%M%S` (14 digits),
 * `%Y%m%d%H%M` (12) or, where that is no date, `%y%m%d%H%M%S` (12); any other run, or one that
 * is no calendar date, has no time.
 */
function readDigitStamp(digits: string, clock: Clock): number | null {
  if (digits.length < 12) return Number(digits) * 1000;
  if (digits.length !== 14 && digits.length !== 12) return null;
  const field = (at: number, width = 2): number => Number(digits.slice(at, at + width));
  const read = (y: number, at: number, seconds: boolean): number | null => {
    const [mo, d, h, mi] = [field(at), field(at + 2), field(at + 4), field(at + 6)];
    const s = seconds ? field(at + 8) : 0;
    if (!isCalendarDate(y, mo, d) || h > 23 || mi > 59 || s > 60) return null;
    return clock(y, mo, d, h, mi, s, 0);
  };
  // Before 1970 no broker ran, and Date.UTC would read years below 100 as 19xx; a year past
  // 2199 is the two digits of one and its month, `%y%m%d%H%M%S`.
  const year = field(0, 4);
  if (digits.length === 14) return year < 1970 || year > 2199 ? null : read(year, 4, true);
  return year > 2199 ? read(2000 + field(0), 2, true) : year < 1970 ? null : read(year, 4, false);
}

/**
 * Reads the broker's prefix and time, remembering the last stamp it parsed: lines of one
 * second share their prefix, so most lookups are a string comparison.
 */
export class PrefixReader {
  private lastStamp = '';
  private lastStampTime: number | null = null;
  /** The time the envelope of the line being read gives, or null: a stamp of a time of day alone takes its day from it. */
  private envelopeTime: number | null = null;
  private forcedReads = 0;
  /** The last time read before the line being read (see {@link unwrap}). */
  private after: number | null = null;
  /** The zone's clock, told the last time read (a repeated hour is read in order). */
  private readonly clock: Clock = (y, mo, d, h, mi, s, ms) => this.options.clock(y, mo, d, h, mi, s, ms, this.after);

  constructor(private readonly options: PrefixOptions) {}

  /**
   * Takes the envelope and the broker's prefix off one line; `after` is the last time read before
   * it, which places a syslog time without a year and a repeated hour. Never throws.
   */
  unwrap(line: string, after: number | null = null): Unwrapped {
    this.after = after;
    this.envelopeTime = null;
    // `docker compose logs --ansi always` colours its prefix: the colour is no part of the line.
    const text = line.charCodeAt(0) === 27 ? line.replace(colouredCompose, '$1') : line;
    // No envelope starts like an epoch or ISO stamp followed by `: `, or `Time error: `: most
    // lines stop here.
    if (this.startsWithLastStamp(text)) {
      return { time: this.lastStampTime, message: text.slice(this.lastStamp.length), brokerLine: text, stamped: true };
    }
    const c0 = text.charCodeAt(0);
    if (isDigit(c0) && epochPrefixLength(text) === 0) {
      if (text.length > 20 && text.charCodeAt(4) === 45) {
        const enveloped = this.unwrapIsoEnvelope(text);
        if (enveloped) return enveloped;
      }
      const unix = journalUnix.exec(text);
      if (unix) return withOrigin(this.unwrapBroker(text.slice(unix[0].length), this.envelope(Math.round(Number(unix[1]) * 1000))), unix[2], true);
    } else if (c0 === 123 /* { */ || (c0 === 30 /* RS, json-seq */ && text.charCodeAt(1) === 123)) {
      const json = this.unwrapJson(c0 === 30 ? text.slice(1) : text);
      if (json) return json;
    } else if (c0 === 36 /* $ */ && text.startsWith('$SYS/broker/log/')) {
      const space = text.indexOf(' ', 16);
      if (space > 0) {
        const inner = this.unwrapBroker(text.slice(space + 1), null);
        const level = sysTopicLevels[text.slice(16, space)];
        return level ? { ...inner, level } : inner;
      }
    } else if (c0 === 60 /* < */) {
      const syslog = this.unwrapSyslog(text);
      if (syslog) return syslog;
    } else if (c0 === 91 /* [ */) {
      const k = kubectl.exec(text);
      // With `--timestamps` too, the API server's time follows the prefix.
      if (k) return withOrigin(this.unwrapDockerStamp(text.slice(k[0].length)) ?? this.unwrapBroker(text.slice(k[0].length), null), k[0].slice(1, -2));
    } else if (text.charCodeAt(3) === 32 && text.charCodeAt(9) === 58) {
      const syslog = this.unwrapSyslog(text) ?? this.unwrapBusybox(text);
      if (syslog) return syslog;
    } else if (text.charCodeAt(3) === 32 && (text.charCodeAt(8) === 45 || text.charCodeAt(13) === 58)) {
      const dayFirst = this.unwrapDayNamed(text);
      if (dayFirst) return dayFirst;
    }
    if (!isDigit(c0) && c0 > 32) {
      const m = compose.exec(text);
      // `docker compose logs -t` puts the engine's time after the bar.
      if (m) return withOrigin(this.unwrapDockerStamp(text.slice(m[0].length)) ?? this.unwrapBroker(text.slice(m[0].length), null), m[0].slice(0, m[0].indexOf(' ')));
    }
    return this.unwrapBroker(text, null);
  }

  /** Reads the broker's own prefix; `fallback` is the envelope's time. */
  unwrapBroker(line: string, fallback: number | null, level?: Level): Unwrapped {
    const length = this.readStamp(line);
    const stamped = length >= 0;
    const time = stamped ? (this.lastStampTime ?? fallback) : fallback;
    const message = stamped ? line.slice(length) : line;
    return level ? { time, message, brokerLine: line, stamped, level } : { time, message, brokerLine: line, stamped };
  }

  /** Length of the broker's prefix (`-1` when there is none); it becomes the last stamp read. */
  private readStamp(line: string): number {
    const forced = this.options.timestampFormat;
    if (forced) {
      const m = forced.re.exec(line);
      if (m) {
        if (!this.sameStamp(line, m[0].length)) this.remember(line, m[0].length, forced.read(m, this.clock, this.options.year, this.after, this.envelopeTime));
        if (this.lastStampTime !== null) {
          this.forcedReads++;
          return m[0].length;
        }
        // Of the format's shape but no time by it (a day-first date read month first): the stamp
        // is read as without the format.
        this.forgetLastStamp();
      }
    }
    // Every stamp ends in `: `, so a line that starts with the last one has that stamp (lines
    // without an envelope were served by `unwrap` already).
    if (this.startsWithLastStamp(line)) return this.lastStamp.length;
    const epoch = epochPrefixLength(line);
    if (epoch > 0) {
      this.remember(line, epoch, readDigitStamp(line.slice(0, epoch - 2), this.clock));
      return epoch;
    }
    if (isDigit(line.charCodeAt(0)) && line.charCodeAt(4) === 45) {
      const m = isoStamp.exec(line);
      if (m) {
        this.remember(line, m[0].length, this.readIso(m, 1));
        return m[0].length;
      }
    }
    if (line.startsWith('Time error: ')) {
      this.remember(line, 12, null);
      return 12;
    }
    return -1;
  }

  /**
   * When the line is the broker's own line and starts with the last stamp read: the stamp's
   * length (its message follows), else -1. Its time is {@link lastTime}.
   */
  sameStampLength(line: string): number {
    return this.startsWithLastStamp(line) ? this.lastStamp.length : -1;
  }

  /**
   * The time of a stamp of unknown strftime shape (`stamp`, without its `: `) that starts the
   * message of the line last unwrapped, read like its other stamps after the last time read, a
   * numeric date in `order` (see {@link readLooseTime}).
   */
  looseTime(stamp: string, order?: DateOrder, shown?: (order: DateOrder | 'either') => void): number | null {
    return readLooseTime(stamp, this.clock, this.options.year, this.after, order, shown, this.envelopeTime);
  }

  /** Lines whose time the forced `log_timestamp_format` read. */
  get forcedMatches(): number {
    return this.forcedReads;
  }

  /** The time of the last stamp read. */
  get lastTime(): number | null {
    return this.lastStampTime;
  }

  /** Whether the line starts with the last stamp read (a forced format's stamps are not compared). */
  private startsWithLastStamp(line: string): boolean {
    return this.options.timestampFormat === undefined && this.lastStamp !== '' && line.startsWith(this.lastStamp);
  }

  /** Whether a forced format's stamp, `length` characters, is the last one read. */
  private sameStamp(line: string, length: number): boolean {
    return length === this.lastStamp.length && line.startsWith(this.lastStamp);
  }

  /**
   * Forgets the last stamp read: the next line may not follow the last one read (a chunk of a
   * file read apart), and a stamp's time can depend on the line before it.
   */
  forgetLastStamp(): void {
    this.lastStamp = '';
    this.lastStampTime = null;
  }

  private remember(line: string, length: number, time: number | null): void {
    this.lastStamp = line.slice(0, length);
    this.lastStampTime = time;
  }

  /** Notes the envelope's time of the line being read; returns it. */
  private envelope(time: number | null): number | null {
    this.envelopeTime = time;
    return time;
  }

  /** Reads `Y-M-D h:m:s[.f][zone]` from regex groups starting at `at`. */
  private readIso(m: RegExpExecArray, at: number): number | null {
    const [y, mo, d, h, mi, s] = [0, 1, 2, 3, 4, 5].map((i) => Number(m[at + i]));
    const ms = fractionMs(m[at + 6]);
    const offset = m[at + 7] ? parseOffset(m[at + 7] ?? '') : null;
    if (offset !== null) return Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s, ms) - offset * 60_000;
    return this.clock(y ?? 0, mo ?? 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0, ms);
  }

  private unwrapIsoEnvelope(text: string): Unwrapped | null {
    const c = cri.exec(text);
    if (c) {
      const stamp = Date.parse(c[1] ?? '');
      return this.unwrapBroker(text.slice(c[0].length), this.envelope(Number.isNaN(stamp) ? null : stamp));
    }
    if (isoStamp.test(text)) return null;
    // Most lines here are docker's (`Z`, no `]:`): the second regex is for the few that are not.
    const j = journalIso.exec(text) ?? (text.includes(']:') ? syslogIsoZ.exec(text) : null);
    // rsyslog's RFC 3339 file format (Debian's default) escapes as its traditional one does.
    if (j) return withOrigin(readSyslogEscapes(this.unwrapBroker(text.slice(j[0].length), this.envelope(this.readIso(j, 1)))), j[9], true);
    return this.unwrapDockerStamp(text);
  }

  /** `docker logs -t`: the engine's RFC 3339 time, then the container's line. */
  private unwrapDockerStamp(text: string): Unwrapped | null {
    const d = dockerTimestamps.exec(text);
    if (!d) return null;
    const stamp = Date.parse(d[1] ?? '');
    return this.unwrapBroker(text.slice(d[0].length), this.envelope(Number.isNaN(stamp) ? null : stamp));
  }

  /** busybox syslogd: RFC 3164 with the facility and level before the program. */
  private unwrapBusybox(text: string): Unwrapped | null {
    const m = busybox.exec(text);
    if (!m) return null;
    const read = (year: number): number | null => calendarTime(this.clock, year, monthNumber(m[1] ?? ''), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), 0);
    return this.unwrapBroker(text.slice(m[0].length), this.envelope(readAfter(read, 'year', this.options.year, this.after)), levelNames[m[7] ?? '']);
  }

  /** Envelopes that begin with a day's name: OpenWrt's `logread` and journalctl `short-full`. */
  private unwrapDayNamed(text: string): Unwrapped | null {
    const l = logread.exec(text);
    if (l) {
      const time = this.clock(Number(l[6]), monthNumber(l[1] ?? ''), Number(l[2]), Number(l[3]), Number(l[4]), Number(l[5]), 0);
      return this.unwrapBroker(text.slice(l[0].length), this.envelope(time), levelNames[l[7] ?? '']);
    }
    const j = journalFull.exec(text);
    if (!j) return null;
    const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(j[i]));
    if (!isCalendarDate(y ?? 0, mo ?? 0, d ?? 0)) return null;
    const offset = zoneOffset(j[8] === 'UTC' ? 'Z' : (j[8] ?? ''));
    const ms = fractionMs(j[7]);
    const time = offset !== null ? Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s, ms) - offset * 60_000 : this.clock(y ?? 0, mo ?? 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0, ms);
    return withOrigin(this.unwrapBroker(text.slice(j[0].length), this.envelope(time)), j[9], true);
  }

  private unwrapSyslog(text: string): Unwrapped | null {
    const m = rfc3164.exec(text) ?? rfc3164NoHost.exec(text);
    if (m) {
      const pri = m[1] === undefined ? null : Number(m[1]);
      const read = (year: number): number | null => calendarTime(this.clock, year, monthNumber(m[2] ?? ''), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), fractionMs(m[7]));
      // No year is written: it follows the last time read.
      const time = readAfter(read, 'year', this.options.year, this.after);
      return withOrigin(readSyslogEscapes(this.unwrapBroker(text.slice(m[0].length), this.envelope(time), pri === null ? undefined : syslogSeverity[pri % 8])), m[8], true);
    }
    const r = rfc5424.exec(text);
    if (r) {
      const stamp = Date.parse(r[2] ?? '');
      // rsyslog's %msg% keeps the space after the legacy tag, so its RFC 5424 lines have two.
      // Other senders write one, and the message itself may start with a space (1.6's
      // ` ├── …` plugin lines): one is taken as rsyslog's, and the parser may put it back.
      // RFC 5424 marks a UTF-8 message with a byte order mark; it is no part of the text.
      const rest = text.slice(r[0].length).replace(/^\uFEFF/, '');
      const taken = rest.charCodeAt(0) === 32;
      const unwrapped = readSyslogEscapes(this.unwrapBroker(taken ? rest.slice(1) : rest, this.envelope(Number.isNaN(stamp) ? null : stamp), syslogSeverity[Number(r[1]) % 8]));
      return withOrigin(taken && !unwrapped.stamped ? { ...unwrapped, spaceTaken: true } : unwrapped, rfc5424Origin(r[3] ?? ''), true);
    }
    return null;
  }

  /**
   * One JSON object a line: docker's json-file (`log`, `time`), or `journalctl -o json` /
   * `json-seq` (`MESSAGE`, `__REALTIME_TIMESTAMP` in microseconds).
   */
  private unwrapJson(text: string): Unwrapped | null {
    const journal = text.includes('"__REALTIME_TIMESTAMP"');
    if (!journal && !text.includes('"log"')) return null;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return null;
    }
    if (typeof doc !== 'object' || doc === null) return null;
    return journal ? this.unwrapJournalEntry(doc as JournalEntry) : this.unwrapDockerEntry(doc as { log?: unknown; time?: unknown });
  }

  private unwrapDockerEntry({ log, time }: { log?: unknown; time?: unknown }): Unwrapped | null {
    if (typeof log !== 'string') return null;
    const line = log.replace(/\r?\n$/, '');
    const stamp = typeof time === 'string' ? Date.parse(time) : NaN;
    return this.unwrapBroker(line, this.envelope(Number.isNaN(stamp) ? null : stamp));
  }

  /**
   * An entry of journald's JSON output. Its `PRIORITY` is the broker's level only for what the
   * broker sent to syslog; its standard output and error are logged at one priority each. A
   * message of several lines (through syslog) is also offered whole, as {@link Unwrapped.joined}.
   */
  private unwrapJournalEntry(entry: JournalEntry): Unwrapped | null {
    const raw = entry.MESSAGE;
    // journald writes a message that is not valid UTF-8 as an array of its bytes.
    const text = typeof raw === 'string' ? raw : Array.isArray(raw) && raw.every((b) => typeof b === 'number') ? Buffer.from(raw as number[]).toString('utf8') : null;
    if (text === null) return null;
    const micros = entry.__REALTIME_TIMESTAMP;
    const time = typeof micros === 'string' && /^\d{1,17}$/.test(micros) ? Math.floor(Number(micros) / 1000) : null;
    const syslogged = entry._TRANSPORT === 'syslog' || entry._TRANSPORT === 'journal';
    const level = syslogged && typeof entry.PRIORITY === 'string' ? syslogSeverity[Number(entry.PRIORITY)] : undefined;
    const message = text.replace(/\n+$/, '');
    const unwrapped = this.unwrapBroker(message, this.envelope(time), level);
    const origin = typeof entry._HOSTNAME === 'string' && typeof entry._PID === 'string' ? `${entry._HOSTNAME} ${typeof entry.SYSLOG_IDENTIFIER === 'string' ? entry.SYSLOG_IDENTIFIER : ''}[${entry._PID}]` : undefined;
    return withOrigin(text.includes('\n') ? { ...unwrapped, joined: unwrapped.message + text.slice(message.length) } : unwrapped, origin, true);
  }
}

/** The fields of a journald entry read here; any field may be missing or of another shape. */
interface JournalEntry {
  MESSAGE?: unknown;
  __REALTIME_TIMESTAMP?: unknown;
  PRIORITY?: unknown;
  _TRANSPORT?: unknown;
  _HOSTNAME?: unknown;
  _PID?: unknown;
  SYSLOG_IDENTIFIER?: unknown;
}

/** An RFC 5424 header's host, app and process id (`-` when not given) written as RFC 3164 writes them: `host app[pid]`. */
function rfc5424Origin(fields: string): string {
  const [host = '-', app = '-', pid = '-'] = fields.split(' ');
  return pid === '-' ? `${host} ${app}` : `${host} ${app}[${pid}]`;
}

/** The line unwrapped, with who wrote it as its envelope says (`origin`), when it says; `systemLog` for a syslog or journal line's. */
function withOrigin(unwrapped: Unwrapped, origin: string | undefined, systemLog = false): Unwrapped {
  if (origin === undefined || origin === '') return unwrapped;
  unwrapped.origin = origin;
  if (systemLog) unwrapped.systemLog = true;
  return unwrapped;
}

/** The program a syslog or journal line's origin names (`mosquitto`, `CRON`, `kernel`), or null for another envelope's. */
export function originProgram(unwrapped: Pick<Unwrapped, 'origin' | 'systemLog'>): string | null {
  if (unwrapped.systemLog !== true || unwrapped.origin === undefined) return null;
  const program = unwrapped.origin.slice(unwrapped.origin.lastIndexOf(' ') + 1).replace(/\[[^\]]*\]$/, '');
  return program === '' ? null : program;
}

/**
 * Finds a strftime prefix of unknown shape: text up to the first `: ` that looks like a time
 * (has a clock time or a date) and is at most 49 characters, the broker's buffer. Returns the
 * prefix length (including `: `), or 0.
 */
export function looseStampLength(line: string): number {
  const end = line.indexOf(': ');
  if (end <= 0 || end > 49) return 0;
  const stamp = line.slice(0, end);
  if (!/\d{1,2}:\d{2}|\d{4}[-/.]\d{1,3}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{8}[T _-]\d{6}/.test(stamp)) return 0;
  if (/[A-Za-z]{5,}/.test(stamp.replace(/(January|February|March|April|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)/g, ''))) return 0;
  return end + 2;
}
