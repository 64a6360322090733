/**
 * A 2.0 broker started without a listener in its configuration listens on the loopback interface
 * alone: `local-only`, a warning about the whole log, since the clients it keeps out leave no line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correlateRecords } from '../src/correlate/index.js';
import { createLineDecoder } from '../src/parse/index.js';
import { describeFinding } from '../src/report/finding-text.js';
import { runCli } from './support/run-cli.js';

/** Debian's 2.0.11 with `log_dest file` and `log_type all` alone in its configuration, and `mosquitto_pub` from this machine. */
const localOnly = [
  '1796014429: mosquitto version 2.0.11 starting',
  '1796014429: Config loaded from m.conf.',
  '1796014429: Starting in local only mode. Connections will only be possible from clients running on this machine.',
  '1796014429: Create a configuration file which defines a listener to allow remote access.',
  '1796014429: For more details see https://mosquitto.org/documentation/authentication-methods/',
  '1796014429: Opening ipv4 listen socket on port 1883.',
  '1796014429: Opening ipv6 listen socket on port 1883.',
  '1796014429: mosquitto version 2.0.11 running',
  '1796014429: New connection from 127.0.0.1:43240 on port 1883.',
  '1796014429: New client connected from 127.0.0.1:43240 as loc (p2, c1, k60).',
  '1796014429: No will message specified.',
  '1796014429: Sending CONNACK to loc (0, 0)',
  "1796014429: Received PUBLISH from loc (d0, q0, r0, m0, 'a', ... (1 bytes))",
  '1796014429: Received DISCONNECT from loc',
  '1796014429: Client loc disconnected.',
  '1796014430: mosquitto version 2.0.11 terminating',
];

test('a broker in local only mode is a local-only warning at the line that says so, one per start', () => {
  const decoder = createLineDecoder('f.log');
  const c = correlateRecords(localOnly.map((l) => decoder.decode(l)));
  assert.deepEqual(c.findings.map((f) => [f.code, f.severity, f.client, f.at.map((a) => a.line)]), [['local-only', 'warning', null, [3]]]);
  assert.match(c.findings[0] ? describeFinding(c.findings[0]) : '', /^the broker started in local only mode: its configuration has no listener, so it listens on port 1883 of the loopback interface alone/);
  const twice = createLineDecoder('f.log');
  assert.equal(correlateRecords([...localOnly, ...localOnly].map((l) => twice.decode(l))).findings.filter((f) => f.code === 'local-only').length, 2);
  // A broker with a listener says nothing of the kind.
  const listening = createLineDecoder('f.log');
  assert.deepEqual(correlateRecords(localOnly.filter((l) => !/local only|configuration file|more details/.test(l)).map((l) => listening.decode(l))).findings, []);
});

test('local-only stays whatever clients are selected, and fails a gate that names it', async () => {
  const log = Buffer.from(`${localOnly.join('\n')}\n`);
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', '--client', 'someone-else', '-'], { stdin: log })).stdout) as { findings: Array<{ code: string }> };
  assert.deepEqual(problems.findings.map((f) => f.code), ['local-only']);
  assert.equal((await runCli(['report', '-'], { stdin: log })).code, 0, 'a warning passes the default gate');
  assert.equal((await runCli(['report', '--fail-on', 'default,local-only', '-'], { stdin: log })).code, 1);
});
