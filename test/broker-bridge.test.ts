/**
 * An outgoing bridge between two real brokers on 127.0.0.1: its connections are sessions of its
 * local id on the bridging broker, and the remote going away and coming back is an outage there.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { requireBroker, requireExecutable, startBroker } from './support/broker.js';
import { runCli } from './support/run-cli.js';

const run = promisify(execFile);

/** Waits until the log holds `text` (`times` times), or fails after `ms`. */
async function logShows(logFile: string, text: string, ms = 15_000, times = 1): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if ((await readFile(logFile, 'utf8')).split(text).length > times) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${logFile} never showed ${JSON.stringify(text)}`);
}

test('broker bridge: each connection is a session of the local id; the remote stopping and coming back is an outage', { timeout: 90_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const remote = await startBroker();
  t.after(() => remote.dispose());
  const local = await startBroker({
    extraConfig: ['connection br', `address 127.0.0.1:${remote.port}`, 'remote_clientid bridge-test', 'topic t/# out 1', 'restart_timeout 1'],
  });
  t.after(() => local.dispose());
  const connack = 'Received CONNACK on connection local.bridge-test.';
  await logShows(local.logFile, connack);
  await run(requireExecutable('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(local.port), '-q', '1', '-t', 't/x', '-m', 'over']);
  await logShows(remote.logFile, 'Received PUBLISH from bridge-test (d0, q1, r0');
  await remote.stop();
  await logShows(local.logFile, 'Error creating bridge');
  await remote.restart();
  await logShows(local.logFile, `${connack}\n`, 30_000, 2);
  await local.stop();

  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', local.logFile])).stdout) as { sessions: Array<{ client: string; outgoingBridge?: string; port: number; endReason: string }> };
  const bridge = sessions.sessions.filter((s) => s.outgoingBridge !== undefined);
  assert.deepEqual(bridge.map((s) => [s.client, s.outgoingBridge, s.port, s.endReason]), [
    ['local.bridge-test', 'br', remote.port, 'closed'], ['local.bridge-test', 'br', remote.port, 'broker-shutdown'],
  ]);
  // The tables say which sessions are bridges, and which way, on each side.
  const rows = (text: string, client: string): string[] => text.split('\n').filter((l) => l.startsWith(`${client} `));
  const localRows = rows((await runCli(['sessions', local.logFile])).stdout, 'local.bridge-test');
  assert.equal(localRows.length, 2);
  for (const row of localRows) assert.match(row, new RegExp(`127\\.0\\.0\\.1:${remote.port} \\(outgoing bridge br\\)`));
  await remote.stop();
  const remoteRows = rows((await runCli(['sessions', remote.logFile])).stdout, 'bridge-test');
  assert.ok(remoteRows.length >= 1, 'the remote broker saw the bridge connect');
  for (const row of remoteRows) assert.match(row, /127\.0\.0\.1:\d+ \(incoming bridge\)/);
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', local.logFile])).stdout) as { findings: Array<{ code: string; bridge?: string; wasUp?: boolean; attempts?: number }> };
  const outages = problems.findings.filter((f) => f.code === 'bridge-outage' || f.code === 'bridge-down');
  assert.deepEqual(outages.map((f) => [f.code, f.bridge, f.wasUp]), [['bridge-outage', 'br', true]], JSON.stringify(problems.findings));
  assert.ok((outages[0]?.attempts ?? 0) >= 1, 'the attempt made while the remote was down failed');
  const summary = JSON.parse((await runCli(['summary', '--format', 'json', local.logFile])).stdout) as { orphanAcks: number; flows: { qos1: { complete: number } } };
  assert.equal(summary.orphanAcks, 0, "the bridge's state messages are acknowledged without lines of their own");
  assert.ok(summary.flows.qos1.complete >= 1, 'the message forwarded over the bridge completed');
  assert.equal((await runCli(['report', '--format', 'junit', local.logFile])).code, 0, 'an outage that ended fails no default rule');
});

test('broker bridge: an MQTT v5 bridge, which connects to the remote broker as a client, is an incoming bridge there', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const remote = await startBroker();
  t.after(() => remote.dispose());
  const local = await startBroker({
    extraConfig: ['connection br5', `address 127.0.0.1:${remote.port}`, 'remote_clientid bridge-v5', 'bridge_protocol_version mqttv50', 'topic t/# out 1'],
  });
  t.after(() => local.dispose());
  await logShows(local.logFile, 'Received CONNACK on connection local.bridge-v5.');
  await local.stop();
  await remote.stop();
  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', remote.logFile])).stdout) as { sessions: Array<{ client: string; mqttVersion: string; bridge: boolean }> };
  assert.deepEqual(sessions.sessions.map((s) => [s.client, s.mqttVersion, s.bridge]), [['bridge-v5', '5.0', true]]);
});

/** The outgoing bridge sessions of a log, and its bridge findings. */
async function bridgeStory(logFile: string): Promise<{ sessions: Array<[string, number, string]>; findings: Array<{ code: string; bridge?: string; wasUp?: boolean; attempts?: number }> }> {
  const listed = JSON.parse((await runCli(['sessions', '--format', 'json', logFile])).stdout) as { sessions: Array<{ outgoingBridge?: string; port: number; endReason: string }> };
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', logFile])).stdout) as { findings: Array<{ code: string; bridge?: string; wasUp?: boolean; attempts?: number }> };
  return {
    sessions: listed.sessions.filter((s) => s.outgoingBridge !== undefined).map((s) => [s.outgoingBridge as string, s.port, s.endReason]),
    findings: problems.findings.filter((f) => f.code.startsWith('bridge-')),
  };
}

/** Publishes `count` messages to the bridged topic, one client each. */
async function publish(port: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await run(requireExecutable('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(port), '-q', '1', '-t', 't/x', '-m', `m${i}`]);
}

test('broker bridge: with round_robin off, a first address down at the start is start-up, and going back to it once it is up is no outage', { timeout: 90_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const secondary = await startBroker();
  t.after(() => secondary.dispose());
  const primary = await startBroker();
  t.after(() => primary.dispose());
  await primary.stop();
  const local = await startBroker({
    extraConfig: ['connection rr', `addresses 127.0.0.1:${primary.port} 127.0.0.1:${secondary.port}`, 'round_robin false', 'remote_clientid rr-test', 'topic t/# out 1', 'restart_timeout 1'],
  });
  t.after(() => local.dispose());
  const connack = 'Received CONNACK on connection local.rr-test.';
  await logShows(local.logFile, 'Error creating bridge');
  await logShows(local.logFile, connack, 30_000);
  await primary.restart();
  // The broker tries its first address again now and then, and moves back to it without a line for the connection it leaves.
  await logShows(local.logFile, `${connack}\n`, 60_000, 2);
  await local.stop();

  const story = await bridgeStory(local.logFile);
  assert.deepEqual(story.sessions, [['rr', secondary.port, 'other'], ['rr', primary.port, 'broker-shutdown']]);
  assert.deepEqual(story.findings, [], 'the attempt that failed at the start is start-up, and the move back was on purpose');
  assert.equal((await runCli(['report', '--format', 'junit', local.logFile])).code, 0);
});

test('broker bridge: a lazy bridge whose remote goes away is down from then until it connects again, with the attempts its messages made fail', { timeout: 90_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const remote = await startBroker();
  t.after(() => remote.dispose());
  const local = await startBroker({
    extraConfig: ['connection lz', `address 127.0.0.1:${remote.port}`, 'remote_clientid lazy-test', 'topic t/# out 1', 'start_type lazy', 'threshold 3', 'restart_timeout 1'],
  });
  t.after(() => local.dispose());
  const connack = 'Received CONNACK on connection local.lazy-test.';
  const waiting = 'Bridge local.lazy-test doing local SUBSCRIBE on topic t/#';
  // It connects once messages for it pass the threshold.
  await logShows(local.logFile, waiting);
  await publish(local.port, 4);
  await logShows(local.logFile, connack);
  await remote.stop();
  await logShows(local.logFile, waiting, 15_000, 2);
  await publish(local.port, 4);
  await logShows(local.logFile, 'Error creating bridge');
  await remote.restart();
  await publish(local.port, 4);
  await logShows(local.logFile, `${connack}\n`, 30_000, 2);
  await local.stop();

  const story = await bridgeStory(local.logFile);
  assert.deepEqual(story.sessions, [['lz', remote.port, 'closed'], ['lz', remote.port, 'broker-shutdown']]);
  assert.deepEqual(story.findings.map((f) => [f.code, f.bridge, f.wasUp]), [['bridge-outage', 'lz', true]], JSON.stringify(story.findings));
  assert.ok((story.findings[0]?.attempts ?? 0) >= 1, 'the attempts made while the remote was away failed');
});
