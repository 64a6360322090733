import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { LineParser, type LogRecord, type ParseOptions, createLineDecoder } from '../src/parse/index.js';
import { type Expected, assertFields, readAllRecords, where } from './support/records.js';

const repoRoot = new URL('../../', import.meta.url);
const prefixDir = new URL('fixtures/prefixes/', repoRoot);

interface Case {
  name: string;
  line: string;
  /** ISO time the record must carry, or null. */
  time: string | null;
  expect?: Expected;
  options?: ParseOptions;
  /** A line read just before, as the line's context: a topic line needs its request line. */
  after?: string;
}

const connection = { type: 'connection', family: 'connect', address: '10.0.0.1', port: 5, listenerPort: 1883 };
const message = 'New connection from 10.0.0.1:5 on port 1883.';
const epoch = '1795000000';
const epochIso = '2026-11-18T11:06:40.000Z';

function table(cases: readonly Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const parser = new LineParser({ year: 2026, ...c.options });
      const record = parser.parse(c.line, where, c.after === undefined ? {} : { prev: parser.parse(c.after, where) });
      assert.equal(record.time, c.time === null ? null : Date.parse(c.time), `time of ${JSON.stringify(record)}`);
      assertFields(record, c.expect ?? connection);
    });
  }
}

describe('broker prefixes', () => {
  table([
    { name: 'epoch seconds (default)', line: `${epoch}: ${message}`, time: epochIso },
    { name: 'no prefix (log_timestamp false)', line: message, time: null },
    { name: '%Y-%m-%dT%H:%M:%S', line: `2026-11-26T14:07:50: ${message}`, time: '2026-11-26T14:07:50Z' },
    { name: '%Y-%m-%d %H:%M:%S', line: `2026-11-26 14:07:50: ${message}`, time: '2026-11-26T14:07:50Z' },
    { name: 'fractional seconds and %z', line: `2026-11-26T14:07:50.123456+0100: ${message}`, time: '2026-11-26T13:07:50.123Z' },
    { name: 'fractional seconds and Z', line: `2026-11-26T14:07:50.5Z: ${message}`, time: '2026-11-26T14:07:50.500Z' },
    { name: 'comma fraction and -05:00', line: `2026-11-26 14:07:50,250 -05:00: ${message}`, time: '2026-11-26T19:07:50.250Z' },
    { name: 'Time error: (strftime gave nothing)', line: `Time error: ${message}`, time: null },
    { name: 'a strftime shape to guess: %c', line: `Thu Nov 26 12:00:00 2026: ${message}`, time: '2026-11-26T12:00:00Z' },
    { name: "a strftime shape to guess: date's %a %b %d %H:%M:%S %Z %Y, the zone before the year", line: `Sun Oct 29 00:40:00 CEST 2023: ${message}`, time: '2023-10-28T22:40:00Z' },
    { name: 'a strftime shape to guess: day-first date', line: `26/11/2026 12:00:00: ${message}`, time: '2026-11-26T12:00:00Z' },
    { name: "a strftime shape to guess: a web server's %d/%b/%Y:%H:%M:%S %z, the year's digits no hour", line: `14/Nov/2023:08:13:20 +0100: ${message}`, time: '2023-11-14T07:13:20Z' },
    { name: 'a strftime shape to guess: a zone before the bracket that closes the stamp', line: `[2026-11-28T02:20:31+0100]: ${message}`, time: '2026-11-28T01:20:31Z' },
    { name: 'a strftime shape to guess: a zone after the year, in brackets', line: `[Sat Nov 28 02:20:31 2026 +0100]: ${message}`, time: '2026-11-28T01:20:31Z' },
    { name: 'a strftime shape to guess: ISO 8601 basic', line: `20261126T120000: ${message}`, time: '2026-11-26T12:00:00Z' },
    { name: 'a strftime shape to guess: %Y%m%d %H%M%S', line: `20261126 120000: ${message}`, time: '2026-11-26T12:00:00Z' },
    { name: 'a strftime shape to guess: %y%m%d-%H:%M:%S', line: `261126-12:00:00: ${message}`, time: '2026-11-26T12:00:00Z' },
    { name: 'a strftime shape to guess: time only (year option, 1 January)', line: `12:00:00: ${message}`, time: '2026-01-01T12:00:00Z' },
    { name: 'a strftime shape to guess: %a %d %b %Y (a day name before the day)', line: `Fri 27 Nov 2026 18:51:22: ${message}`, time: '2026-11-27T18:51:22Z' },
    { name: 'a strftime shape to guess: %x %X (C locale)', line: `11/27/26 18:51:22: ${message}`, time: '2026-11-27T18:51:22Z' },
    { name: 'a strftime shape to guess: %d/%m/%y, the day first where it cannot be a month', line: `26/11/26 14:00:00: ${message}`, time: '2026-11-26T14:00:00Z' },
    { name: 'a strftime shape to guess: %d-%b-%Y', line: `27-Nov-2026 18:51:22: ${message}`, time: '2026-11-27T18:51:22Z' },
    { name: 'a strftime shape to guess: %Y%m%d', line: `20261127 18:51:22: ${message}`, time: '2026-11-27T18:51:22Z' },
    { name: 'a strftime shape to guess: %d %b without a year (year option)', line: `27 Nov 18:51:22: ${message}`, time: '2026-11-27T18:51:22Z' },
    { name: 'a strftime shape to guess: %d/%m %H:%M:%S, no year', line: `27/11 18:51:22: ${message}`, time: '2026-11-27T18:51:22Z' },
    { name: 'a strftime shape to guess: %m-%d %H:%M:%S, no year, the month first where the day cannot be one', line: `11-27 18:51:22: ${message}`, time: '2026-11-27T18:51:22Z' },
    { name: 'a strftime shape to guess: %d.%m. %H:%M:%S', line: `27.11. 18:51:22: ${message}`, time: '2026-11-27T18:51:22Z' },
    { name: 'a strftime shape to guess: %Y-%m-%d_%H-%M-%S, a time of dashes', line: `2026-11-27_18-51-22: ${message}`, time: '2026-11-27T18:51:22Z' },
    { name: 'a strftime shape to guess: %d.%m.%y', line: `13.02.26 00:00:01: ${message}`, time: '2026-02-13T00:00:01Z' },
    { name: 'a strftime shape to guess: %d-%m-%y', line: `13-02-26 00:00:01: ${message}`, time: '2026-02-13T00:00:01Z' },
    { name: 'a strftime shape to guess: %d.%m.%y that reads both ways, day first', line: `04.07.26 00:00:01: ${message}`, time: '2026-07-04T00:00:01Z' },
    { name: 'a strftime shape to guess: %x that reads both ways, month first', line: `04/07/26 00:00:01: ${message}`, time: '2026-04-07T00:00:01Z' },
    { name: 'an ISO stamp with %z after a comma', line: `2026-11-27 21:43:56,+0100: ${message}`, time: '2026-11-27T20:43:56Z' },
    { name: 'a forced %x %X', line: `11/27/26 18:51:22: ${message}`, options: { timestampFormat: '%x %X' }, time: '2026-11-27T18:51:22Z' },
    { name: "a forced format with glibc's - flag", line: `4/3/2023 22:13:20: ${message}`, options: { timestampFormat: '%-d/%-m/%Y %H:%M:%S' }, time: '2023-03-04T22:13:20Z' },
    { name: "a forced format with glibc's _ flag", line: ` 4/03/2023 22:13:20: ${message}`, options: { timestampFormat: '%_d/%m/%Y %H:%M:%S' }, time: '2023-03-04T22:13:20Z' },
    { name: 'a forced %P', line: `10:13:20 pm: ${message}`, options: { timestampFormat: '%I:%M:%S %P', year: 2023 }, time: '2023-01-01T22:13:20Z' },
    { name: 'a forced %j before %Y counts in the stamp year', line: `063/2024 22:13:20: ${message}`, options: { timestampFormat: '%j/%Y %T', year: 2023 }, time: '2024-03-03T22:13:20Z' },
    {
      name: 'a forced timestampFormat',
      line: `26.11.2026 14:07:50: ${message}`,
      options: { timestampFormat: '%d.%m.%Y %H:%M:%S' },
      time: '2026-11-26T14:07:50Z',
    },
    {
      name: 'a forced timestampFormat that reads no time from a stamp of its shape (month first, the stamp day first) leaves it to be guessed',
      line: `29/11/2026 03:06:04: ${message}`,
      options: { timestampFormat: '%m/%d/%Y %H:%M:%S' },
      time: '2026-11-29T03:06:04Z',
    },
    {
      name: 'a forced timestampFormat still reads epoch lines',
      line: `${epoch}: ${message}`,
      options: { timestampFormat: '%d.%m.%Y %H:%M:%S' },
      time: epochIso,
    },
    {
      name: 'a forced timestampFormat with a %Z zone name',
      line: `2024-01-01 12:00:00 CET: ${message}`,
      options: { timestampFormat: '%Y-%m-%d %H:%M:%S %Z' },
      time: '2024-01-01T11:00:00Z',
    },
    {
      name: 'a %Z name of several zones is read in tz',
      line: `2024-01-01 12:00:00 IST: ${message}`,
      options: { timestampFormat: '%Y-%m-%d %H:%M:%S %Z', tz: '+02:00' },
      time: '2024-01-01T10:00:00Z',
    },
    { name: "glibc's %Z of a zone without a name (+04), guessed", line: `2024-01-01 12:00:00 +04: ${message}`, time: '2024-01-01T08:00:00Z' },
    { name: "glibc's %Z of a zone without a name (-03), guessed", line: `2024-01-01 12:00:00 -03: ${message}`, time: '2024-01-01T15:00:00Z' },
    { name: "glibc's %Z of a zone without a name (+0530), forced", line: `2024-01-01 12:00:00 +0530: ${message}`, options: { timestampFormat: '%F %T %Z' }, time: '2024-01-01T06:30:00Z' },
    { name: "glibc's %Z of a zone without a name (+04), forced", line: `2024-01-01 12:00:00 +04: ${message}`, options: { timestampFormat: '%F %T %Z' }, time: '2024-01-01T08:00:00Z' },
    {
      name: 'a resolve warning after a guessed stamp: its level word is no part of the stamp',
      line: 'Tue Nov 14 22:13:20 2023: Warning: Unable to resolve bridge address mqtt.example.com.',
      time: '2023-11-14T22:13:20Z',
      expect: { type: 'message', family: 'config', level: 'warning', format: '%s: Unable to resolve %s %s.', params: ['Warning', 'bridge address', 'mqtt.example.com'] },
    },
    {
      name: 'a resolve error after a guessed day-first stamp',
      line: '14/11/2023 22:13:20: Error: Error resolving bind_address.',
      time: '2023-11-14T22:13:20Z',
      expect: { type: 'message', family: 'config', level: 'error', format: '%s: Error resolving %s.', params: ['Error', 'bind_address'] },
    },
    { name: 'a strftime shape to guess: %Y%m%d_%H%M%S', line: `20231114_221320: ${message}`, time: '2023-11-14T22:13:20Z' },
    { name: 'a strftime shape to guess: %Y%m%d-%H%M%S', line: `20231114-221320: ${message}`, time: '2023-11-14T22:13:20Z' },
    { name: 'a strftime shape to guess: %Y-%m-%d %H.%M.%S', line: `2023-11-14 22.13.20: ${message}`, time: '2023-11-14T22:13:20Z' },
    { name: 'a strftime shape to guess: %Y-%j %H:%M:%S (day of the year)', line: `2024-300 01:59:59: ${message}`, time: '2024-10-26T01:59:59Z' },
    { name: 'compact %y%m%d%H%M%S: twelve digits that are no %Y%m%d%H%M', line: `231114221320: ${message}`, time: '2023-11-14T22:13:20Z' },
    { name: 'twelve digits that are a %Y%m%d%H%M stay so', line: `202311142213: ${message}`, time: '2023-11-14T22:13:00Z' },
    { name: 'a short epoch (a device without a clock)', line: `1234: ${message}`, time: '1970-01-01T00:20:34Z' },
    { name: 'compact %Y%m%d%H%M%S: fourteen digits are no epoch', line: `20261127064459: ${message}`, time: '2026-11-27T06:44:59Z' },
    { name: 'compact %Y%m%d%H%M%S is read in tz', line: `20261127064459: ${message}`, options: { tz: 'Europe/Berlin' }, time: '2026-11-27T05:44:59Z' },
    { name: 'compact %Y%m%d%H%M: twelve digits', line: `202611270644: ${message}`, time: '2026-11-27T06:44:00Z' },
    { name: 'thirteen digits are no epoch and no date', line: `2026112706445: ${message}`, time: null },
    { name: 'fourteen digits that are no calendar date have no time', line: `20261131064459: ${message}`, time: null },
    { name: 'a byte order mark before the first line', line: `\ufeff${epoch}: ${message}`, time: epochIso },
    {
      name: 'a forced timestampFormat with %b and %p',
      line: `Nov 26 2026 02:07:50 PM: ${message}`,
      options: { timestampFormat: '%b %d %Y %I:%M:%S %p' },
      time: '2026-11-26T14:07:50Z',
    },
  ]);

  test('one parser reading lines in turn, the last stamp remembered, reads each as a fresh parser does', () => {
    const lines = [
      `${epoch}: Received PINGREQ from c1`,
      'Time error: Received PINGREQ from c1',
      'Time error: Sending PINGRESP to c1',
      `Nov 26 12:00:00 host mosquitto[812]: Time error: ${message}`,
      'Time error: Received PINGREQ from c2',
      `${epoch}: Sending PINGRESP to c2`,
      `${epoch}: ${message}`,
      `2026-11-26T14:07:50Z: Received PINGREQ from c3`,
      `2026-11-26T14:07:50Z: Sending PINGRESP to c3`,
      'Time error: Received PINGREQ from c4',
    ];
    const reused = new LineParser({ year: 2026 });
    for (const [i, line] of lines.entries()) {
      assert.deepEqual(reused.parse(line, where), new LineParser({ year: 2026 }).parse(line, where), `line ${i + 1}: ${line}`);
    }
  });

  test('syslog times pass into the next year after December, counted from the last line with a time', () => {
    const decoder = createLineDecoder('sys.log', new LineParser({ year: 2025 }));
    const times = [
      'Dec 31 23:59:58 gw mosquitto[1]: New client connected from 10.0.0.1:5000 as a (p2, c1, k60).',
      '',
      'Jan  1 00:00:02 gw mosquitto[1]: Client a disconnected.',
      'Dec 31 23:59:59 gw mosquitto[1]: Client b disconnected.',
      'Jan  2 00:00:00 gw mosquitto[1]: Client c disconnected.',
    ].map((line) => decoder.decode(line).time);
    assert.deepEqual(times.map((t) => (t === null ? null : new Date(t).toISOString())), [
      '2025-12-31T23:59:58.000Z', null, '2026-01-01T00:00:02.000Z', '2025-12-31T23:59:59.000Z', '2026-01-02T00:00:00.000Z',
    ]);
    // With no time before it there is nothing to count from: the year given.
    assert.equal(new Date(new LineParser({ year: 2025 }).parse('Jan  1 00:00:02 gw mosquitto[1]: Client a disconnected.', where).time ?? 0).toISOString(), '2025-01-01T00:00:02.000Z');
  });

  test('a year taken from the clock moves a date after the clock back a year; a year given does not', () => {
    const now = Date.now();
    const guessed = new LineParser();
    assert.equal(guessed.options.year, new Date(now).getUTCFullYear());
    assert.ok((guessed.options.latest ?? 0) >= now + 86_400_000, 'latest is ahead of the clock by a day at least');
    assert.equal(new LineParser({ year: 2026 }).options.latest, undefined);
    // A parser made elsewhere with the settled options reads the same.
    const line = 'Dec 31 23:59:50 gw mosquitto[1]: Client a disconnected.';
    assert.equal(new LineParser(guessed.options).parse(line, where).time, guessed.parse(line, where).time);
    // The year after the stamp follows the time before it, not the clock.
    const decoder = createLineDecoder('ny.log', new LineParser({ year: 2026, latest: Date.UTC(2026, 10, 29) }));
    const times = ['Dec 31 23:59:50 gw mosquitto[1]: Client a disconnected.', 'Jan  1 00:00:12 gw mosquitto[1]: Client b disconnected.'].map((l) => decoder.decode(l).time);
    assert.deepEqual(times, [Date.UTC(2025, 11, 31, 23, 59, 50), Date.UTC(2026, 0, 1, 0, 0, 12)]);
  });

  test('a broker stamp without a date passes midnight, and one without a year New Year, as the log goes on', () => {
    const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
    const read = (options: ParseOptions, lines: readonly string[]): Array<string | null> => {
      const decoder = createLineDecoder('rollover.log', new LineParser({ year: 2025, ...options }));
      return lines.map((line) => iso(decoder.decode(line).time));
    };
    const timeOfDay = ['23:59:50', '00:00:05', '12:00:00', '23:59:59', '00:00:01'].map((stamp) => `${stamp}: Client a disconnected.`);
    const days = ['2025-01-01T23:59:50.000Z', '2025-01-02T00:00:05.000Z', '2025-01-02T12:00:00.000Z', '2025-01-02T23:59:59.000Z', '2025-01-03T00:00:01.000Z'];
    // Read loosely, and with the format forced.
    assert.deepEqual(read({}, timeOfDay), days);
    assert.deepEqual(read({ timestampFormat: '%H:%M:%S' }, timeOfDay), days);
    // A clock set back a little is no next day.
    assert.deepEqual(read({}, ['10:00:05: Client a disconnected.', '10:00:01: Client b disconnected.']), ['2025-01-01T10:00:05.000Z', '2025-01-01T10:00:01.000Z']);
    // A night without lines: 07:00 after 18:00 is the next morning.
    assert.deepEqual(read({}, ['18:00:00: Client a disconnected.', '07:00:00: Client b disconnected.']), ['2025-01-01T18:00:00.000Z', '2025-01-02T07:00:00.000Z']);
    const noYear = ['Dec 31 23:59:50: Client a disconnected.', 'Jan 01 00:00:10: Client b disconnected.'];
    assert.deepEqual(read({}, noYear), ['2025-12-31T23:59:50.000Z', '2026-01-01T00:00:10.000Z']);
    assert.deepEqual(read({ timestampFormat: '%b %d %H:%M:%S' }, noYear), ['2025-12-31T23:59:50.000Z', '2026-01-01T00:00:10.000Z']);
    // Midnight in a zone, on the night daylight saving ends (a day of 25 hours).
    assert.deepEqual(read({ tz: 'Europe/Berlin', timestampFormat: '%H:%M:%S', year: 2026 }, ['23:00:00: Client a disconnected.', '01:00:00: Client b disconnected.']), ['2026-01-01T22:00:00.000Z', '2026-01-02T00:00:00.000Z']);
    // A first day given (--date 2025-12-31): a time of day starts on it and passes New Year; a full date is not moved.
    assert.deepEqual(read({ firstDay: 364 }, timeOfDay.slice(0, 2)), ['2025-12-31T23:59:50.000Z', '2026-01-01T00:00:05.000Z']);
    assert.deepEqual(read({ firstDay: 364, timestampFormat: '%H:%M:%S' }, timeOfDay.slice(0, 2)), ['2025-12-31T23:59:50.000Z', '2026-01-01T00:00:05.000Z']);
    assert.deepEqual(read({ firstDay: 364 }, ['2025-03-01T10:00:00: Client a disconnected.', 'Mar 01 10:00:00: Client b disconnected.']), ['2025-03-01T10:00:00.000Z', '2025-03-01T10:00:00.000Z']);
    // Dated by the clock (a followed log): the first line on the last day it is not after it, the next after that.
    assert.deepEqual(read({ undatedUntil: Date.UTC(2025, 5, 10, 12) }, ['13:00:00: Client a disconnected.', '10:00:00: Client b disconnected.']), ['2025-06-09T13:00:00.000Z', '2025-06-10T10:00:00.000Z']);
    assert.deepEqual(read({ undatedUntil: Date.UTC(2025, 5, 10, 12) }, ['11:59:59: Client a disconnected.']), ['2025-06-10T11:59:59.000Z']);
    assert.deepEqual(read({ undatedUntil: Date.UTC(2025, 5, 10, 12), firstDay: 2 }, ['11:59:59: Client a disconnected.']), ['2025-01-03T11:59:59.000Z']);
  });

  test('a stamp of a time of day alone is told from one with a date', () => {
    const parser = new LineParser({ year: 2025 });
    const dateless = ['12:00:00: Client a disconnected.', '12:00:00.123: Client a disconnected.', '2026-11-26T12:00:00Z 12:00:00: Client a disconnected.'];
    const dated = ['1764158400: Client a disconnected.', '2026-11-26T12:00:00: Client a disconnected.', 'Nov 26 12:00:00 gw mosquitto[1]: Client a disconnected.', 'Client a disconnected.'];
    assert.deepEqual(dateless.map((l) => parser.datelessStamp(l)), [true, true, false]);
    assert.deepEqual(dated.map((l) => parser.datelessStamp(l)), [false, false, false, false]);
  });

  test('a log without years that begins after today is last year\'s, all of it, and 29 February is in a leap year', () => {
    const syslog = (stamp: string): string => `${stamp} h mosquitto[1]: Client a disconnected.`;
    const read = (options: ParseOptions, stamps: readonly string[]): string[] => {
      const decoder = createLineDecoder('x.log', new LineParser(options));
      return stamps.map((stamp) => new Date(decoder.decode(syslog(stamp)).time ?? 0).toISOString());
    };
    // Read on 27 November 2026, without --year: December is of 2025, and so is the line after it.
    const lastYear = { year: 2026, latest: Date.UTC(2026, 10, 29) };
    assert.deepEqual(read(lastYear, ['Dec 27 23:06:25', 'Dec 27 23:06:30', 'Jan  1 00:00:01']), ['2025-12-27T23:06:25.000Z', '2025-12-27T23:06:30.000Z', '2026-01-01T00:00:01.000Z']);
    // A date that is not in the year read in is in the leap year before (first) or the next after the line before.
    assert.deepEqual(read({ year: 2026 }, ['Feb 29 00:00:01', 'Mar  1 00:00:01']), ['2024-02-29T00:00:01.000Z', '2024-03-01T00:00:01.000Z']);
    assert.deepEqual(read({ year: 2027 }, ['Feb 28 23:59:59', 'Feb 29 00:00:01']), ['2027-02-28T23:59:59.000Z', '2028-02-29T00:00:01.000Z']);
  });

  test('dates of two-digit years after slashes read both ways in the order the log showed', () => {
    const decoder = createLineDecoder('x.log', new LineParser({ year: 2026 }));
    const times = ['01/02/26 10:00:00', '13/02/26 10:00:00', '04/07/26 12:00:00'].map((stamp) => decoder.decode(`${stamp}: Client a disconnected.`).time);
    // `%x` is month first until a date shows the log's are day first.
    assert.deepEqual(times, [Date.UTC(2026, 0, 2, 10), Date.UTC(2026, 1, 13, 10), Date.UTC(2026, 6, 4, 12)]);
  });

  test('dates of two-digit years with the year first or last, in the order the log showed', () => {
    // Read on 27 November 2026: no log holds a later date.
    const options = { year: 2026, latest: Date.UTC(2026, 10, 27, 12) };
    const times = (stamps: string[]): string[] => {
      const decoder = createLineDecoder('x.log', new LineParser(options));
      return stamps.map((stamp) => new Date(decoder.decode(`${stamp} 10:00:00: Client a disconnected.`).time ?? 0).toISOString().slice(0, 10));
    };
    // %y-%m-%d: the later reading is the guess (5 November 2026, not 26 November 2005), until
    // `26-11-27` shows the year first (27 November 2026; 26 November 2027 is yet to come).
    assert.deepEqual(times(['26-11-05', '26-11-27', '05-11-26']), ['2026-11-05', '2026-11-27', '2005-11-26']);
    // %d-%m-%y: `27-03-24` shows the year last (27 March 2024; 24 March 2027 is yet to come).
    assert.deepEqual(times(['27-03-24', '25-03-24']), ['2024-03-27', '2024-03-25']);
    // With the year given, no date is yet to come; one that is no day of the calendar shows the
    // other order: 2024-02-30 is none, so `24-02-30` is 24 February 2030, and the year stands last.
    const yearGiven = createLineDecoder('x.log', new LineParser({ year: 2026 }));
    const read = ['24-02-30', '05-11-26'].map((stamp) => new Date(yearGiven.decode(`${stamp} 10:00:00: Client a disconnected.`).time ?? 0).toISOString().slice(0, 10));
    assert.deepEqual(read, ['2030-02-24', '2026-11-05']);
  });

  test('the hour repeated when daylight saving ends is read in log order', () => {
    const decoder = createLineDecoder('dst.log', new LineParser({ tz: 'Europe/Berlin' }));
    const times = ['01:59:00', '02:30:00', '02:59:00', '02:05:00', '02:30:00', '03:00:00'].map((stamp) => decoder.decode(`2026-10-25T${stamp}: Client a disconnected.`).time);
    assert.deepEqual(times.map((t) => new Date(t ?? 0).toISOString().slice(11, 19)), ['23:59:00', '00:30:00', '00:59:00', '01:05:00', '01:30:00', '02:00:00']);
    // Alone, a repeated time is its first instance.
    assert.equal(new Date(new LineParser({ tz: 'Europe/Berlin' }).parse('2026-10-25T02:30:00: Client a disconnected.', where).time ?? 0).toISOString(), '2026-10-25T00:30:00.000Z');
  });

  test('a forced timestampFormat that does not match leaves the line undecoded', () => {
    const record = new LineParser({ timestampFormat: '%d.%m.%Y %H:%M:%S' }).parse(`26.11.2026 14:07:50 ${message}`, where);
    assertFields(record, { type: 'unknown', reason: 'no-match' });
  });

  test('an unknown strftime conversion or zone is a RangeError', () => {
    assert.throws(() => new LineParser({ timestampFormat: '%Q' }), RangeError);
    assert.throws(() => new LineParser({ tz: 'Mars/Olympus_Mons' }), RangeError);
  });
});

describe('time zones for offset-less times', () => {
  const reload = { type: 'broker', event: 'reloading' };
  const berlin: ParseOptions = { tz: 'Europe/Berlin' };
  const plusOne: ParseOptions = { tz: '+01:00' };
  table([
    { name: 'Europe/Berlin in summer (+02:00)', line: '2026-07-01T12:00:00: Reloading config.', options: berlin, time: '2026-07-01T10:00:00Z', expect: reload },
    { name: 'Europe/Berlin in winter (+01:00)', line: '2026-11-26T12:00:00: Reloading config.', options: berlin, time: '2026-11-26T11:00:00Z', expect: reload },
    { name: 'Europe/Berlin: last second before spring forward', line: '2026-03-29 01:59:59: Reloading config.', options: berlin, time: '2026-03-29T00:59:59Z', expect: reload },
    { name: 'Europe/Berlin: first second after spring forward', line: '2026-03-29 03:00:00: Reloading config.', options: berlin, time: '2026-03-29T01:00:00Z', expect: reload },
    { name: 'Europe/Berlin: before fall back', line: '2026-10-25 01:30:00: Reloading config.', options: berlin, time: '2026-10-24T23:30:00Z', expect: reload },
    { name: 'Europe/Berlin: after fall back', line: '2026-10-25 03:30:00: Reloading config.', options: berlin, time: '2026-10-25T02:30:00Z', expect: reload },
    { name: 'Australia/Adelaide: before spring forward, on the half hour of UTC', line: '2024-10-06T01:50:00: Reloading config.', options: { tz: 'Australia/Adelaide' }, time: '2024-10-05T16:20:00Z', expect: reload },
    { name: 'Australia/Adelaide: after spring forward, in the half hour it began', line: '2024-10-06T03:10:00: Reloading config.', options: { tz: 'Australia/Adelaide' }, time: '2024-10-05T16:40:00Z', expect: reload },
    { name: 'an explicit offset wins over tz', line: '2026-07-01T12:00:00+00:00: Reloading config.', options: berlin, time: '2026-07-01T12:00:00Z', expect: reload },
    { name: 'epoch seconds ignore tz', line: `${epoch}: Reloading config.`, options: berlin, time: epochIso, expect: reload },
    { name: 'fixed +01:00', line: '2026-07-01T12:00:00: Reloading config.', options: plusOne, time: '2026-07-01T11:00:00Z', expect: reload },
    { name: 'syslog header read in tz', line: 'Jul  1 12:00:00 host mosquitto[1]: Reloading config.', options: { ...berlin, year: 2025 }, time: '2025-07-01T10:00:00Z', expect: reload },
  ]);

  test('the repeated hour at fall back is read as one of its two instants', () => {
    const record = new LineParser(berlin).parse('2026-10-25 02:30:00: Reloading config.', where);
    assert.ok(record.time === Date.parse('2026-10-25T00:30:00Z') || record.time === Date.parse('2026-10-25T01:30:00Z'), String(record.time));
  });
});

describe('envelopes', () => {
  const plugin = ' ├── Username/password checking enabled.';
  const pluginLine = { type: 'message', family: 'plugin', level: 'info', format: plugin, params: [] };
  const worldReadable = 'Warning: File /x/passwd has world readable permissions. Future versions will refuse to load this file.#012To fix this, use `chmod 0700 /x/passwd`.';
  const worldReadable20 = 'Warning: File %s has world readable permissions. Future versions will refuse to load this file.\nTo fix this, use `chmod 0700 %s`.';
  table([
    { name: 'RFC 3164 without PRI, 2.x prefix kept: the broker time wins', line: `Nov 26 12:00:00 host mosquitto[812]: ${epoch}: ${message}`, time: epochIso },
    { name: 'RFC 3164 with PRI: level from the priority', line: `<29>Nov 26 12:00:00 host mosquitto[812]: ${epoch}: ${message}`, time: epochIso, expect: { ...connection, level: 'notice' } },
    { name: 'RFC 3164, PRI 31 is debug', line: `<31>Nov 26 12:00:00 host mosquitto[812]: ${epoch}: ${message}`, time: epochIso, expect: { ...connection, level: 'debug' } },
    { name: 'RFC 3164, PRI 27 is error', line: `<27>Nov 26 12:00:00 host mosquitto[812]: ${epoch}: ${message}`, time: epochIso, expect: { ...connection, level: 'error' } },
    { name: '1.x syslog: no broker prefix, time from the header and year option', line: '<29>Nov  6 12:00:00 host mosquitto[812]: New connection from 10.0.0.1 on port 1883.', time: '2026-11-06T12:00:00Z', expect: { type: 'connection', address: '10.0.0.1', port: null, level: 'notice' } },
    { name: 'syslog, the year from the clock: a date after it is of the year before', line: 'Dec 31 23:59:50 gw mosquitto[1]: New connection from 10.0.0.1 on port 1883.', options: { year: 2026, latest: Date.UTC(2026, 10, 29) }, time: '2025-12-31T23:59:50Z', expect: { type: 'connection', address: '10.0.0.1' } },
    { name: 'syslog, the year from the clock: a date before it is of its year', line: 'Nov 20 12:00:00 gw mosquitto[1]: New connection from 10.0.0.1 on port 1883.', options: { year: 2026, latest: Date.UTC(2026, 10, 29) }, time: '2026-11-20T12:00:00Z', expect: { type: 'connection', address: '10.0.0.1' } },
    { name: 'a log_timestamp_format without a year, the year from the clock', line: 'Dec 31 23:59:50: New connection from 10.0.0.1 on port 1883.', options: { year: 2026, latest: Date.UTC(2026, 10, 29) }, time: '2025-12-31T23:59:50Z', expect: { type: 'connection', address: '10.0.0.1' } },
    { name: 'a forced format without a year, the year from the clock', line: 'Dec 31 23:59:50: New connection from 10.0.0.1 on port 1883.', options: { year: 2026, latest: Date.UTC(2026, 10, 29), timestampFormat: '%b %d %H:%M:%S' }, time: '2025-12-31T23:59:50Z', expect: { type: 'connection', address: '10.0.0.1' } },
    { name: '1.x syslog with another year', line: 'Feb 29 23:59:59 host mosquitto[812]: New connection from 10.0.0.1 on port 1883.', options: { year: 2024 }, time: '2024-02-29T23:59:59Z', expect: { type: 'connection', address: '10.0.0.1' } },
    { name: 'rsyslog escapes the tab of a topic line as #011', line: `Nov 26 12:00:00 host mosquitto[812]: ${epoch}: #011a/b`, time: epochIso, after: 'Received SUBSCRIBE from c', expect: { type: 'subscription', filter: 'a/b' } },
    { name: 'rsyslog escapes the tab of a topic line after a stamp of a shape to guess', line: 'Nov 27 10:00:00 host mosquitto[812]: 27/11/2026 20:43:52: #011x/# (QoS 2)', time: '2026-11-27T20:43:52Z', after: 'Received SUBSCRIBE from c', expect: { type: 'subscription', filter: 'x/#', qos: 2 } },
    { name: 'rsyslog leaves # alone: #0nn in a client id is its own text', line: `Nov 27 06:44:48 host mosquitto[812]: ${epoch}: Client dev#0123 closed its connection.`, time: epochIso, expect: { type: 'disconnect', client: 'dev#0123' } },
    { name: 'rsyslog leaves # alone: a #011 inside a topic line is text', line: `Nov 27 06:44:48 host mosquitto[812]: ${epoch}: #011a/#011b (QoS 1)`, time: epochIso, after: 'Received SUBSCRIBE from c', expect: { type: 'subscription', filter: 'a/#011b', qos: 1 } },
    { name: 'rsyslog leaves # alone: a #012 that makes no multi-line message is text', line: `Nov 27 06:44:48 host mosquitto[812]: ${epoch}: Client dev#012 closed its connection.`, time: epochIso, expect: { type: 'disconnect', client: 'dev#012' } },
    { name: 'rsyslog leaves # alone: a #012 that ends a client id is text', line: `Nov 27 06:44:48 host mosquitto[812]: ${epoch}: Sending PINGRESP to dev#012`, time: epochIso, expect: { type: 'packet', cmd: 'pingresp', client: 'dev#012' } },
    { name: 'rsyslog #012 inside a format of two lines (2.0.18+): the whole warning', line: `Nov 27 06:44:48 host mosquitto[812]: ${epoch}: ${worldReadable}`, time: epochIso, expect: { type: 'message', family: 'file-permissions', level: 'warning', format: worldReadable20, params: ['/x/passwd', '/x/passwd'] } },
    { name: 'rsyslog #012 inside a format of two lines: an info priority is 2.1\'s', line: `<30>Nov 27 06:44:48 host mosquitto[812]: ${epoch}: ${worldReadable}`, time: epochIso, expect: { type: 'message', family: 'file-permissions', level: 'info', format: `${worldReadable20}\n`, params: ['/x/passwd', '/x/passwd'] } },
    { name: 'RFC 5424: a #012 ending a format that ends in a newline', line: `<27>1 2026-11-26T12:00:00.123Z host mosquitto 812 - -  ${epoch}: Error loading foo engine#012`, time: epochIso, expect: { type: 'message', family: 'tls', format: 'Error loading %s engine\n', params: ['foo'] } },
    { name: "rsyslog's RFC 3339 file format escapes the tab of a topic line as #011", line: `2026-11-28T01:26:10.123456+00:00 mqtt-gw mosquitto[812]: ${epoch}: #011test/# (QoS 2)`, time: epochIso, after: 'Received SUBSCRIBE from c', expect: { type: 'subscription', filter: 'test/#', qos: 2 } },
    { name: "rsyslog's RFC 3339 file format without the broker's stamp: a #011 starting the message is a tab", line: '2026-11-28T01:26:10.123456+01:00 mqtt-gw mosquitto[812]: #011will/topic', time: '2026-11-28T00:26:10.123Z', after: 'Received SUBSCRIBE from c', expect: { type: 'subscription', filter: 'will/topic' } },
    { name: "systemd's line about the broker's unit, which journalctl -u shows among the broker's, is the envelope's", line: 'Nov 28 01:20:30 mqtt-gw systemd[1]: Starting mosquitto.service - Mosquitto MQTT Broker...', time: '2026-11-28T01:20:30Z', expect: { type: 'marker', family: 'envelope', text: 'Starting mosquitto.service - Mosquitto MQTT Broker...' } },
    { name: "systemd's unit result line is the envelope's too", line: 'Nov 28 01:20:40 mqtt-gw systemd[1]: mosquitto.service: Deactivated successfully.', time: '2026-11-28T01:20:40Z', expect: { type: 'marker', text: 'mosquitto.service: Deactivated successfully.' } },
    { name: 'such words without an envelope are no envelope line', line: 'Starting server...', time: null, expect: { type: 'unknown', reason: 'no-match' } },
    { name: "journald's line about the broker's lines it dropped at its rate limit says how many", line: 'Nov 28 01:20:50 mqtt-gw systemd-journald[211]: Suppressed 5210 messages from mosquitto.service', time: '2026-11-28T01:20:50Z', expect: { type: 'marker', family: 'envelope', text: 'Suppressed 5210 messages from mosquitto.service', missing: { lines: 5210, cause: 'suppressed' } } },
    { name: "rsyslog's folded repeats of the broker's line say how many", line: 'Nov 28 01:20:55 mqtt-gw mosquitto[812]: message repeated 3 times: [ Socket error on client <unknown>, disconnecting.]', time: '2026-11-28T01:20:55Z', expect: { type: 'marker', missing: { lines: 3, cause: 'repeated' } } },
    { name: "sysklogd's folded repeats name no line", line: 'Nov 28 01:20:55 mqtt-gw mosquitto[812]: last message repeated 1 time', time: '2026-11-28T01:20:55Z', expect: { type: 'marker', missing: { lines: 1, cause: 'repeated' } } },
    { name: "syslog-ng's folded repeats", line: "Nov 28 01:20:55 mqtt-gw syslog-ng[90]: Last message 'Socket error on cli' repeated 12 times, suppressed by syslog-ng on mqtt-gw", time: '2026-11-28T01:20:55Z', expect: { type: 'marker', missing: { lines: 12, cause: 'repeated' } } },
    { name: "journalctl -o json: journald's dropped lines", line: JSON.stringify({ __REALTIME_TIMESTAMP: '1795694400000000', PRIORITY: '5', _TRANSPORT: 'driver', SYSLOG_IDENTIFIER: 'systemd-journald', MESSAGE: 'Suppressed 77 messages from mosquitto.service' }), time: '2026-11-26T12:00:00.000Z', expect: { type: 'marker', missing: { lines: 77, cause: 'suppressed' } } },
    { name: "the broker's own stamp before such words makes them no logger's line", line: '1795694400: Suppressed 5 messages from x', time: '2026-11-26T12:00:00.000Z', expect: { type: 'unknown' } },
    { name: 'RFC 5424: a #011 starting a 1.x message is a tab', line: '<31>1 2026-11-26T12:00:00.123Z host mosquitto 812 - -  #011a/b', time: '2026-11-26T12:00:00.123Z', after: 'Received SUBSCRIBE from c', expect: { type: 'subscription', filter: 'a/b' } },
    { name: 'RFC 5424 with a 2.x prefix', line: `<30>1 2026-11-26T12:00:00.123Z host mosquitto 812 - - ${epoch}: ${message}`, time: epochIso, expect: { ...connection, level: 'info' } },
    { name: 'RFC 5424 as rsyslog writes it (two spaces)', line: `<29>1 2026-11-26T12:00:00.123456+00:00 host mosquitto 812 - -  ${epoch}: ${message}`, time: epochIso, expect: { ...connection, level: 'notice' } },
    { name: 'RFC 5424, two spaces before a 1.6 plugin line that starts with one', line: `<30>1 2026-11-27T06:44:48.123Z host mosquitto 812 - - ${plugin}`, time: '2026-11-27T06:44:48.123Z', expect: pluginLine },
    { name: 'RFC 5424 as rsyslog writes it, three spaces before a 1.6 plugin line', line: `<30>1 2026-11-27T06:44:48.123Z host mosquitto 812 - -  ${plugin}`, time: '2026-11-27T06:44:48.123Z', expect: pluginLine },
    { name: 'RFC 3164 and a 1.6 plugin line', line: `Nov 27 06:44:48 host mosquitto[812]: ${plugin}`, time: '2026-11-27T06:44:48Z', expect: pluginLine },
    { name: 'RFC 5424 with a UTF-8 byte order mark before the message', line: `<29>1 2026-11-26T12:00:00.123Z host mosquitto 812 - - \uFEFF${epoch}: ${message}`, time: epochIso, expect: { ...connection, level: 'notice' } },
    { name: 'RFC 5424 with structured data, no broker prefix', line: `<30>1 2026-11-26T12:00:00.123Z host mosquitto 812 - [meta x="1"] ${message}`, time: '2026-11-26T12:00:00.123Z' },
    { name: 'journalctl short-iso with broker prefix', line: `2026-11-26T12:00:00+0100 host mosquitto[812]: ${epoch}: ${message}`, time: epochIso },
    { name: 'journalctl short-iso without broker prefix', line: `2026-11-26T12:00:00+0100 host mosquitto[812]: ${message}`, time: '2026-11-26T11:00:00Z' },
    { name: 'journalctl short-iso-precise', line: `2026-11-26T12:00:00.123456+01:00 host mosquitto[812]: ${message}`, time: '2026-11-26T11:00:00.123Z' },
    { name: "rsyslog's RFC 3339 time in UTC (Z), with a process id", line: `2026-11-26T12:00:00.120000Z host mosquitto[812]: ${message}`, time: '2026-11-26T12:00:00.120Z' },
    { name: "rsyslog's RFC 3339 time in UTC (Z), with the broker's stamp", line: `2026-11-26T12:00:00Z host mosquitto[812]: ${epoch}: ${message}`, time: epochIso },
    { name: 'journalctl short-full: the zone by its name', line: `Thu 2026-11-26 12:00:00 CET host mosquitto[812]: ${message}`, time: '2026-11-26T11:00:00Z' },
    { name: 'journalctl short-full with the broker prefix', line: `Thu 2026-11-26 12:00:00 CET host mosquitto[812]: ${epoch}: ${message}`, time: epochIso },
    { name: 'journalctl short-unix', line: `1795694400.123456 host mosquitto[812]: ${message}`, time: '2026-11-26T12:00:00.123Z' },
    { name: "OpenWrt's logread: a %c time, the facility and level", line: `Thu Nov 26 12:00:00 2026 daemon.notice mosquitto[812]: ${message}`, time: '2026-11-26T12:00:00Z', expect: { ...connection, level: 'notice' } },
    { name: 'busybox syslogd: the facility and level after the host', line: `Nov 26 12:00:00 router daemon.err mosquitto[812]: ${message}`, time: '2026-11-26T12:00:00Z', expect: { ...connection, level: 'error' } },
    { name: 'syslog without the host', line: `Nov 26 12:00:00 mosquitto[812]: ${message}`, time: '2026-11-26T12:00:00Z' },
    { name: 'syslog without the host or the process id, from mosquitto', line: `Nov 26 12:00:00 mosquitto: ${message}`, time: '2026-11-26T12:00:00Z' },
    // A broker stamp that ends in a word is no syslog line without a host.
    { name: 'a strftime shape to guess: %b %d %I:%M:%S %p', line: `Jan 01 12:00:02 AM: ${message}`, time: '2026-01-01T00:00:02Z' },
    { name: 'a strftime shape to guess: %b %d %H:%M:%S %Z', line: `Jan 01 00:00:06 CET: ${message}`, time: '2025-12-31T23:00:06Z' },
    { name: 'a strftime shape to guess: %b %d %H:%M:%S %z (no year in the offset)', line: `Jan 01 00:00:05 +0100: ${message}`, time: '2025-12-31T23:00:05Z' },
    { name: 'a date alone after a day name has no time', line: `Tue 14.11.23: ${message}`, time: null },
    { name: 'a strftime shape to guess: %d-%b-%Y keeps its year', line: `05-Mar-2024 14:07:09: ${message}`, time: '2024-03-05T14:07:09Z' },
    { name: 'a strftime shape to guess: %b %d %H:%M:%S and a zone in lower case', line: `Mar 05 14:07:09 utc: Error: Unknown option 'c1'.`, time: '2026-03-05T14:07:09Z', expect: { type: 'message', family: 'plugin/example', level: 'error' } },
    { name: "docker logs -t without broker prefix: OpenSSL's error is the message", line: '2024-01-01T00:00:08.123456789Z OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while reading', time: '2024-01-01T00:00:08.123Z', expect: { type: 'message', family: 'tls', level: 'error' } },
    { name: 'journalctl short-precise (year option)', line: `Nov 26 12:00:00.250000 host mosquitto[812]: ${message}`, time: '2026-11-26T12:00:00.250Z' },
    { name: 'docker compose', line: `broker-1  | ${epoch}: ${message}`, time: epochIso },
    { name: 'docker compose, no broker prefix', line: `mosquitto_1 | ${message}`, time: null },
    { name: 'docker compose logs --ansi always: the colours of its prefix', line: `\x1b[36mbroker-1  | \x1b[0m${epoch}: ${message}`, time: epochIso },
    { name: 'docker compose logs -t: the broker time wins', line: `broker-1  | 2026-11-26T12:00:00.123456789Z ${epoch}: ${message}`, time: epochIso },
    { name: 'docker compose logs -t, no broker prefix: the engine time', line: `broker-1  | 2026-11-26T12:00:00.123456789Z ${message}`, time: '2026-11-26T12:00:00.123Z' },
    { name: 'kubectl logs --prefix', line: `[pod/mosquitto-0/mosquitto] ${epoch}: ${message}`, time: epochIso },
    { name: 'kubectl logs --prefix --timestamps, no broker prefix: the API server time', line: `[pod/mosquitto-0/mosquitto] 2026-11-26T12:00:00.5Z ${message}`, time: '2026-11-26T12:00:00.500Z' },
    { name: 'docker json-file: the broker time wins', line: JSON.stringify({ log: `${epoch}: ${message}\n`, stream: 'stderr', time: '2026-11-26T12:00:00.123456789Z' }), time: epochIso },
    { name: 'docker json-file without broker prefix', line: JSON.stringify({ log: `${message}\n`, stream: 'stdout', time: '2026-11-26T12:00:00.123456789Z' }), time: '2026-11-26T12:00:00.123Z' },
    { name: 'journalctl -o json, the standard output: the broker time wins, its priority is no level', line: JSON.stringify({ __CURSOR: 's=1', __REALTIME_TIMESTAMP: '1795694400123456', PRIORITY: '6', _TRANSPORT: 'stdout', SYSLOG_IDENTIFIER: 'mosquitto', MESSAGE: `${epoch}: ${message}` }), time: epochIso, expect: { ...connection, level: 'notice' } },
    { name: 'journalctl -o json, through syslog: the entry time in microseconds, the level from the priority', line: JSON.stringify({ __CURSOR: 's=2', __REALTIME_TIMESTAMP: '1795694400123456', PRIORITY: '7', _TRANSPORT: 'syslog', MESSAGE: message }), time: '2026-11-26T12:00:00.123Z', expect: { ...connection, level: 'debug' } },
    { name: 'journalctl -o json-seq: a record separator before each entry', line: `\x1e${JSON.stringify({ __REALTIME_TIMESTAMP: '1795694400123456', MESSAGE: `${epoch}: ${message}` })}`, time: epochIso, expect: connection },
    { name: 'journalctl -o json: a message that is not UTF-8 comes as its bytes', line: JSON.stringify({ __REALTIME_TIMESTAMP: '1795694400000000', MESSAGE: [...Buffer.from(`${epoch}: Client caf\xe9 disconnected.`, 'latin1')] }), time: epochIso, expect: { type: 'disconnect', client: 'caf\ufffd' } },
    { name: 'journalctl -o json: a message of two lines through syslog is read whole', line: JSON.stringify({ __REALTIME_TIMESTAMP: '1795694400000000', PRIORITY: '4', _TRANSPORT: 'syslog', MESSAGE: `${epoch}: ${worldReadable.replace('#012', '\n')}` }), time: epochIso, expect: { type: 'message', family: 'file-permissions', level: 'warning', format: worldReadable20, params: ['/x/passwd', '/x/passwd'] } },
    { name: "journalctl -o json: systemd's line about the broker's unit is the envelope's", line: JSON.stringify({ __REALTIME_TIMESTAMP: '1795694400000000', PRIORITY: '6', _TRANSPORT: 'journal', SYSLOG_IDENTIFIER: 'systemd', MESSAGE: 'Started mosquitto.service - Mosquitto MQTT Broker.' }), time: '2026-11-26T12:00:00.000Z', expect: { type: 'marker', family: 'envelope', text: 'Started mosquitto.service - Mosquitto MQTT Broker.' } },
    { name: 'journalctl -o json: an entry whose message journalctl left out (too long) is not understood', line: JSON.stringify({ __REALTIME_TIMESTAMP: '1795694400000000', MESSAGE: null }), time: null, expect: { type: 'unknown' } },
    { name: 'CRI with broker prefix', line: `2026-11-26T12:00:00.123456789Z stderr F ${epoch}: ${message}`, time: epochIso },
    { name: 'CRI with an unreadable time', line: '2026-11-26T:99:99Z stdout F Reloading config.', time: null, expect: { type: 'broker', event: 'reloading' } },
    { name: 'CRI without broker prefix', line: `2026-11-26T12:00:00.123456789Z stdout F ${message}`, time: '2026-11-26T12:00:00.123Z' },
    { name: 'docker logs -t: the broker time wins', line: `2026-11-26T12:00:00.123456789Z ${epoch}: ${message}`, time: epochIso },
    { name: 'docker logs -t without broker prefix', line: `2026-11-26T12:00:00.123456789Z ${message}`, time: '2026-11-26T12:00:00.123Z' },
    { name: 'docker logs -t with an ISO broker prefix', line: `2026-11-26T12:00:00.123456789Z 2024-01-01T12:00:00: ${message}`, time: '2024-01-01T12:00:00Z' },
    // A word and `: ` after the broker's stamp is no journald host and program.
    { name: 'docker logs -t: a Warning line', line: `2026-11-26T12:00:00.123456789Z ${epoch}: Warning: Mosquitto should not be run as root/administrator.`, time: epochIso, expect: { type: 'message', family: 'startup', level: 'warning' } },
    { name: 'docker logs -t with an offset: an Error line', line: `2026-11-26T12:00:00.123456789+01:00 ${epoch}: Error: Address already in use`, time: epochIso, expect: { type: 'message', format: 'Error: %s', level: 'error' } },
    // Without the broker's stamp, a UTC time is docker's (journalctl writes an offset): `Word word:` is the message.
    { name: 'docker logs -t without broker prefix: a client id with colons', line: '2026-11-26T12:00:00.123456789Z Client aa:bb:cc:dd:ee:ff disconnected.', time: '2026-11-26T12:00:00.123Z', expect: { type: 'disconnect', client: 'aa:bb:cc:dd:ee:ff', cause: 'client-disconnect' } },
    { name: 'docker logs -t without broker prefix: Connection Refused', line: '2026-11-26T12:00:00.123456789Z Connection Refused: not authorised', time: '2026-11-26T12:00:00.123Z', expect: { family: 'connack' } },
    { name: 'docker logs -t with a broker date and time of day two years before it (a log replayed): the broker time, read in --tz', line: `2026-11-26T12:00:00.123456789Z 2024-01-01 12:00:00: ${message}`, time: '2024-01-01T12:00:00Z' },
    // A broker stamp of a time of day alone takes its day from the envelope's time; a zone is --tz's, whatever the envelope's offset.
    { name: 'docker logs -t: a broker date and time without an offset are read in --tz', line: `2026-11-26T12:00:00.923456789Z 2026-11-26 13:00:01: ${message}`, time: '2026-11-26T13:00:01Z' },
    { name: 'docker logs -t: a broker time of day takes its date from the engine', line: `2026-11-26T23:59:59.6Z 00:00:00: ${message}`, time: '2026-11-27T00:00:00Z' },
    { name: 'docker logs -t: a broker time of day written hours before the engine stamped it (stdout not flushed) is of the day before', line: `2026-11-27T03:00:00Z 22:00:00: ${message}`, time: '2026-11-26T22:00:00Z' },
    { name: 'docker logs -t: a broker time of day in a zone ahead of --tz is of the engine\'s day', line: `2026-11-26T23:00:00Z 08:30:00: ${message}`, time: '2026-11-27T08:30:00Z' },
    { name: 'journalctl -o short-iso: a broker time of day takes the journal\'s date', line: `2026-11-26T00:10:00+0100 gw mosquitto[5]: 23:10:01: ${message}`, time: '2026-11-25T23:10:01Z' },
    { name: 'docker json-file: a broker time of day with its fraction', line: JSON.stringify({ log: `11:00:00.250: ${message}\n`, stream: 'stdout', time: '2026-11-26T12:00:00.3Z' }), time: '2026-11-26T11:00:00.250Z' },
    { name: 'syslog: a broker time of day takes its date from the header', line: `Nov 26 23:59:59 gw mosquitto[5]: 00:00:00: ${message}`, time: '2026-11-27T00:00:00Z' },
    { name: 'syslog (no offset): a broker date and time are read in --tz as they are', line: `Nov 26 12:00:00 gw mosquitto[5]: 2026-11-26T13:00:01: ${message}`, time: '2026-11-26T13:00:01Z' },
    { name: 'a log_timestamp_format of the syslog shape with a year is no syslog header', line: 'Nov 27 06:49:42 2026: Error: Unable to open pwfile "/tmp/x.pw".', time: '2026-11-27T06:49:42Z', expect: { type: 'message', format: 'Error: Unable to open pwfile "%s".', level: 'error' } },
    { name: '$SYS/broker/log/N', line: `$SYS/broker/log/N ${epoch}: ${message}`, time: epochIso, expect: { ...connection, level: 'notice' } },
    { name: '$SYS/broker/log/E', line: `$SYS/broker/log/E ${epoch}: Error: Invalid 'log_dest' value (x).`, time: epochIso, expect: { type: 'message', family: 'config', level: 'error' } },
    { name: '$SYS/broker/log/W', line: `$SYS/broker/log/W ${epoch}: Warning: Mosquitto should not be run as root/administrator.`, time: epochIso, expect: { level: 'warning' } },
    { name: '$SYS/broker/log/WS: a libwebsockets line passed on as it is', line: `$SYS/broker/log/WS ${epoch}: LWS: 4.1.6-, loglevel 1023`, time: epochIso, expect: { type: 'message', family: 'websockets', level: 'websockets', format: '%s', params: ['LWS: 4.1.6-, loglevel 1023'] } },
    { name: '$SYS/broker/log/I', line: `$SYS/broker/log/I ${epoch}: Reloading config.`, time: epochIso, expect: { type: 'broker', level: 'info' } },
    { name: '$SYS/broker/log/M/subscribe', line: `$SYS/broker/log/M/subscribe ${epoch}: c1 1 a/b`, time: epochIso, expect: { type: 'subscription', action: 'subscribe', level: 'subscribe', client: 'c1', filter: 'a/b', qos: 1 } },
    { name: '$SYS/broker/log/M/unsubscribe', line: `$SYS/broker/log/M/unsubscribe ${epoch}: c1 a/b`, time: epochIso, expect: { type: 'subscription', action: 'unsubscribe', level: 'unsubscribe', client: 'c1', filter: 'a/b' } },
    { name: '$SYS/broker/log/M/subscribe with a stamp of a shape to guess: a client with a space', line: '$SYS/broker/log/M/subscribe 27/11/2026 20:53:54: s b 0 q/#', time: '2026-11-27T20:53:54Z', expect: { type: 'subscription', action: 'subscribe', client: 's b', filter: 'q/#', qos: 0 } },
    { name: '$SYS/broker/log/M/unsubscribe with a stamp of a shape to guess', line: '$SYS/broker/log/M/unsubscribe 27/11/2026 20:53:55: logwatch q/#', time: '2026-11-27T20:53:55Z', expect: { type: 'subscription', action: 'unsubscribe', client: 'logwatch', filter: 'q/#' } },
    { name: 'a line the broker cut after a stamp of a shape to guess', line: `27/11/2026 20:47:35: Received PUBLISH from ${'L'.repeat(950)} (d0, `.slice(0, 999), time: '2026-11-27T20:47:35Z', expect: { type: 'packet', cmd: 'publish', client: 'L'.repeat(950), truncated: true } },
    { name: '$SYS/broker/log/N without timestamps', line: `$SYS/broker/log/N ${message}`, time: null, expect: { ...connection, level: 'notice' } },
  ]);
});

/** Files of the same scenario as epoch.log, in another dress. The others are checked for unknowns only. */
const differentScenario: Record<string, string> = {
  'sys-topic.log': '$SYS/broker/log carries no DEBUG lines',
  'syslog-1x.log': 'a 1.6 broker: no running line, different order',
};

/** Options a fixture needs to be read as intended. */
const fixtureOptions: Record<string, ParseOptions> = {};

async function decodeFixture(name: string): Promise<LogRecord[]> {
  const bytes = readFileSync(new URL(name, prefixDir));
  const parser = new LineParser({ year: 2026, ...fixtureOptions[name] });
  const { records } = await readAllRecords([bytes], { file: name, parser });
  return records;
}

function listPrefixFixtures(): string[] {
  try {
    return readdirSync(prefixDir).filter((f) => f.endsWith('.log')).sort();
  } catch {
    return [];
  }
}

describe('fixtures/prefixes', () => {
  const files = listPrefixFixtures();
  const skip = files.includes('epoch.log') ? false : 'fixtures/prefixes/epoch.log not present';

  test('every file decodes with no unknown records', { skip }, async () => {
    for (const name of files) {
      const unknown = (await decodeFixture(name)).filter((r) => r.type === 'unknown');
      assert.deepEqual(unknown.map((r) => r.raw), [], name);
    }
  });

  test('the same scenario decodes to the same record types and times as epoch.log', { skip }, async () => {
    const reference = await decodeFixture('epoch.log');
    assert.ok(reference.length > 0);
    for (const name of files) {
      if (name === 'epoch.log' || name in differentScenario) continue;
      const records = (await decodeFixture(name)).filter((r) => r.type !== 'marker');
      assert.deepEqual(records.map((r) => r.type), reference.map((r) => r.type), name);
      if (name === 'none.log') continue;
      // Envelopes may add fractions; the broker's second must survive every dress.
      records.forEach((r, i) => {
        assert.notEqual(r.time, null, `${name}:${r.line} has no time`);
        assert.equal(Math.floor((r.time ?? 0) / 1000), Math.floor((reference[i]?.time ?? 0) / 1000), `${name}:${r.line}`);
      });
    }
  });
});

test('a numeric date read day first until a line of the file shows month first; from there on month first, and the parser notes where', () => {
  // The year given: no date is after the latest a log can have (see the test after this).
  const parser = new LineParser({ year: 2026 });
  const decoder = createLineDecoder('mdy.log', parser);
  const times = [
    '05/05/2026 23:59:57: Reloading config.',
    '03/12/2026 23:59:58: mosquitto version 2.0.11 starting',
    '03/13/2026 00:00:01: mosquitto version 2.0.11 running',
    '03/12/2026 23:59:59: Reloading config.',
    '13/03/2026 00:00:02: Reloading config.',
  ].map((line) => new Date(decoder.decode(line).time ?? 0).toISOString());
  assert.deepEqual(times, ['2026-05-05T23:59:57.000Z', '2026-12-03T23:59:58.000Z', '2026-03-13T00:00:01.000Z', '2026-03-12T23:59:59.000Z', '2026-03-13T00:00:02.000Z']);
  assert.deepEqual(parser.monthFirstShownAt, { file: 'mdy.log', line: 3 }, 'a day that is its month too shows no order');
  // A file whose dates showed day first, or never were ambiguous, is noted nowhere.
  const dayFirst = new LineParser();
  const other = createLineDecoder('dmy.log', dayFirst);
  for (const line of ['13/03/2026 00:00:01: Reloading config.', '03/12/2026 00:00:02: Reloading config.']) other.decode(line);
  assert.equal(new Date(other.decode('01/02/2026 00:00:03: Reloading config.').time ?? 0).toISOString(), '2026-02-01T00:00:03.000Z');
  assert.equal(dayFirst.monthFirstShownAt, null);
});

test('a numeric date that read day first would be after the latest time a log can have shows the log is month first', () => {
  // Read on 29 November 2026: 12 November, not 11 December; the dates after it follow.
  const parser = new LineParser({ year: 2026, latest: Date.UTC(2026, 11, 1) });
  const decoder = createLineDecoder('mdy.log', parser);
  const times = ['11/12/2026 10:00:00: Reloading config.', '11/13/2026 10:00:00: Reloading config.', '05/11/2026 10:00:00: Reloading config.'].map((line) => new Date(decoder.decode(line).time ?? 0).toISOString());
  assert.deepEqual(times, ['2026-11-12T10:00:00.000Z', '2026-11-13T10:00:00.000Z', '2026-05-11T10:00:00.000Z']);
  assert.equal(parser.monthFirstShownAt, null, 'no date was read day first before');
  // Both readings before it: the guess stands.
  assert.equal(new Date(new LineParser({ year: 2026, latest: Date.UTC(2026, 11, 1) }).parse('03/11/2026 10:00:00: Reloading config.', { file: 'x', line: 1 }).time ?? 0).toISOString(), '2026-11-03T10:00:00.000Z');
});
