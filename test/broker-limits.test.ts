/**
 * A real mosquitto with limits on 127.0.0.1: a PUBLISH over its `message_size_limit` is dropped,
 * and each such drop is a finding at any QoS, its flow refused, and a will over it is a refused
 * connection whatever code its CONNACK gives; a connection over its
 * `max_connections` is denied, a connection-refused warning a CI gate can name; so is one that
 * comes when the broker has no file descriptor left; and a queue full for a subscriber away
 * drops its messages; a client the broker has no memory for is dropped by it; QoS 2 messages
 * past `max_inflight_messages` are refused; a client without an id is refused where
 * `allow_zero_length_clientid` is false.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { type Socket, connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { requireBroker, requireExecutable, startBroker, untilLogged } from './support/broker.js';
import { runCli } from './support/run-cli.js';

const run = promisify(execFile);

test('broker message_size_limit: a PUBLISH over it is publish-too-large at QoS 0, 1 and 2, its flow refused; a will over it, a refused connection', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ extraConfig: ['message_size_limit 10'] });
  t.after(() => broker.dispose());
  const publish = (topic: string, message: string, qos: string): Promise<unknown> =>
    run(requireExecutable('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-i', 'big-pub', '-t', topic, '-m', message, '-q', qos]);
  const large = 'x'.repeat(50);
  for (const qos of ['0', '1', '2']) await publish(`big/q${qos}`, large, qos);
  await publish('small/q1', 'ok', '1');
  // A will over the limit is refused as the client connects: `not authorised` for 3.1.1, `packet too large` for v5.
  for (const version of ['mqttv311', 'mqttv5']) {
    const refused = await run(requireExecutable('mosquitto_pub'), [
      '-h', '127.0.0.1', '-p', String(broker.port), '-i', `big-will-${version}`, '-V', version, '-t', 'w', '-m', 'x', '--will-topic', 'w/gone', '--will-payload', large,
    ]).then(() => null, (error: unknown) => error);
    assert.ok(refused !== null, `the client with a will too large is refused (${version})`);
  }
  await broker.stop();

  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as {
    findings: Array<{ code: string; client: string; topic?: string; qos?: number; payloadBytes?: number; reasonCode?: number; willTooLarge?: boolean }>;
  };
  const tooLarge = problems.findings.filter((f) => f.code === 'publish-too-large').map((f) => [f.client, f.topic, f.qos, f.payloadBytes]);
  assert.deepEqual(tooLarge, [['big-pub', 'big/q0', 0, 50], ['big-pub', 'big/q1', 1, 50], ['big-pub', 'big/q2', 2, 50]], JSON.stringify(problems.findings));
  assert.ok(!problems.findings.some((f) => f.code === 'flow-refused'), 'the drop is its own finding');
  const wills = problems.findings.filter((f) => f.code === 'connection-refused' || f.code === 'auth-failure').map((f) => [f.code, f.client, f.reasonCode, f.willTooLarge]);
  assert.deepEqual(wills, [['connection-refused', 'big-will-mqttv311', 5, true], ['connection-refused', 'big-will-mqttv5', 149, true]], JSON.stringify(problems.findings));
  const flows = JSON.parse((await runCli(['flows', '--format', 'json', broker.logFile])).stdout) as { flows: Array<{ topic: string; state: string; dropped?: string }> };
  assert.deepEqual(flows.flows.map((f) => [f.topic, f.state, f.dropped]), [['big/q1', 'refused', 'too-large'], ['big/q2', 'refused', 'too-large'], ['small/q1', 'complete', undefined]]);
  const summary = JSON.parse((await runCli(['summary', '--format', 'json', broker.logFile])).stdout) as { problems: Record<string, number> };
  assert.equal(summary.problems['publish-too-large'], 3);
});

test('broker max_connections: a connection over it is denied, a connection-refused warning that --fail-on can name', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ extraConfig: ['max_connections 1'] });
  t.after(() => broker.dispose());
  const first = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'only-one', reconnectPeriod: 0 });
  t.after(() => first.endAsync(true));
  const second = await run(requireExecutable('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-i', 'one-too-many', '-t', 'x', '-m', 'x']).then(() => null, (error: unknown) => error);
  assert.ok(second !== null, 'the second client is turned away');
  await first.endAsync();
  await broker.stop();

  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; severity: string; address: string | null; detail?: string }> };
  const refused = problems.findings.filter((f) => f.code === 'connection-refused').map((f) => [f.severity, f.address, f.detail]);
  assert.deepEqual(refused, [['warning', '127.0.0.1', 'max_connections exceeded']], JSON.stringify(problems.findings));
  assert.equal((await runCli(['report', broker.logFile])).code, 0, 'a warning passes the default gate');
  assert.equal((await runCli(['report', '--fail-on', 'default,connection-refused', broker.logFile])).code, 1);
});

test('broker out of file descriptors: each connection it turns away is a connection-refused warning that points at ulimit -n', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ fileLimit: 16 });
  t.after(() => broker.dispose());
  // More connections than descriptors, held open together; none sends a CONNECT.
  const sockets: Socket[] = [];
  for (let i = 0; i < 24; i++) {
    const socket = connect(broker.port, '127.0.0.1');
    socket.on('error', () => undefined);
    sockets.push(socket);
  }
  await Promise.all(sockets.map((s) => new Promise((resolve) => { s.once('connect', resolve); s.once('close', resolve); })));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  for (const socket of sockets) socket.destroy();
  await broker.stop();

  // A broker built with tcpd (Debian's) says tcpd denied them; one without, that it had no descriptor.
  const log = await readFile(broker.logFile, 'utf8');
  const tcpd = log.match(/denied access by tcpd/g)?.length ?? 0;
  const noDescriptor = log.match(/system socket count has been exceeded/g)?.length ?? 0;
  const accepted = log.match(/New connection from/g)?.length ?? 0;
  assert.ok(tcpd + noDescriptor > 0, `the limit turned connections away:\n${log}`);
  assert.equal(accepted + tcpd + noDescriptor, sockets.length, 'each connection is accepted or turned away');

  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as {
    findings: Array<{ code: string; severity: string; detail?: string }>;
    totals: Record<string, number>;
  };
  assert.equal(problems.totals['connection-refused'], tcpd + noDescriptor);
  const details = new Set(problems.findings.filter((f) => f.code === 'connection-refused').map((f) => `${f.severity} ${f.detail}`));
  assert.deepEqual([...details], [tcpd > 0 ? 'warning denied by tcpd' : 'warning socket count exceeded']);
  const text = (await runCli(['problems', '--type', 'connection-refused', broker.logFile])).stdout;
  assert.match(text, /file descriptor .*\(see ulimit -n\)/);
});

test('broker max_queued_messages: messages for a subscriber away past its queue are dropped, a messages-dropped warning for it offline', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ extraConfig: ['max_queued_messages 3'] });
  t.after(() => broker.dispose());
  const sleeper = (): Promise<unknown> => run(requireExecutable('mosquitto_sub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-i', 'sleeper', '-c', '-q', '1', '-t', 'queue/#', '-W', '1']).catch(() => undefined);
  await sleeper();
  for (let i = 1; i <= 6; i++) await run(requireExecutable('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-i', `sender-${i}`, '-q', '1', '-t', 'queue/a', '-m', `m${i}`]);
  await sleeper();
  await broker.stop();

  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; client: string | null; offline?: boolean; message: string }> };
  const dropped = problems.findings.filter((f) => f.code === 'messages-dropped').map((f) => [f.client, f.offline, f.message]);
  assert.deepEqual(dropped, [['sleeper', true, 'queue full for sleeper while it was not connected: messages for it are being dropped']], JSON.stringify(problems.findings));
  // The three it kept reach it when it comes back.
  const flows = JSON.parse((await runCli(['flows', '--format', 'json', '--client', 'sleeper', broker.logFile])).stdout) as { flows: Array<{ direction: string; state: string }> };
  assert.deepEqual(flows.flows.map((f) => [f.direction, f.state]), [['out', 'complete'], ['out', 'complete'], ['out', 'complete']]);
});

test('broker memory_limit: a client whose PUBLISH the broker has no memory for is dropped-by-broker, which the default gate fails on', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ extraConfig: ['memory_limit 300000'] });
  t.after(() => broker.dispose());
  const payload = join(broker.dir, 'payload.bin');
  await writeFile(payload, Buffer.alloc(200_000, 7));
  const sent = await run(requireExecutable('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-i', 'heavy', '-t', 'big/x', '-f', payload, '-q', '1']).then(() => null, (error: unknown) => error);
  assert.ok(sent !== null, 'the broker drops the publisher');
  await run(requireExecutable('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-i', 'light', '-t', 'small/x', '-m', 'ok', '-q', '1']);
  await untilLogged(broker, 'Client light disconnected.');
  await broker.stop();

  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; client: string; detail?: string }> };
  assert.deepEqual(problems.findings.filter((f) => f.code === 'dropped-by-broker').map((f) => [f.client, f.detail]), [['heavy', 'out-of-memory']], JSON.stringify(problems.findings));
  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', broker.logFile])).stdout) as { sessions: Array<{ client: string; endReason: string }> };
  assert.deepEqual(sessions.sessions.map((s) => [s.client, s.endReason]), [['heavy', 'other'], ['light', 'disconnect']]);
  assert.equal((await runCli(['report', broker.logFile])).code, 1, 'the default gate fails');
});

test('broker max_inflight_messages: QoS 2 messages from a 3.1.1 client past it are refused, quota exceeded, which that client is not told of', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ extraConfig: ['max_inflight_messages 2'] });
  t.after(() => broker.dispose());
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const subscriber = await mqtt.connectAsync(url, { clientId: 'inflight-sub', reconnectPeriod: 0 });
  await subscriber.subscribeAsync('inflight/#', { qos: 2 });
  const publisher = await mqtt.connectAsync(url, { clientId: 'inflight-pub', protocolVersion: 4, reconnectPeriod: 0 });
  // Written in one go, all five are in before the client can send a PUBREL.
  await Promise.all(Array.from({ length: 5 }, (_, i) => publisher.publishAsync('inflight/a', `m${i}`, { qos: 2 })));
  await new Promise((resolve) => setTimeout(resolve, 500));
  await publisher.endAsync();
  await subscriber.endAsync();
  await broker.stop();

  const log = await readFile(broker.logFile, 'utf8');
  const refusedInLog = log.match(/Sending PUBREC to inflight-pub \(m\d+, rc151\)/g)?.length ?? 0;
  assert.ok(refusedInLog > 0, `the broker refused some:\n${log}`);
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as {
    findings: Array<{ code: string; client: string; reasonCode?: number; notTold?: boolean; message: string }>;
  };
  const refused = problems.findings.filter((f) => f.code === 'flow-refused');
  assert.deepEqual(refused.map((f) => [f.client, f.reasonCode, f.notTold]), Array(refusedInLog).fill(['inflight-pub', 151, true]), JSON.stringify(problems.findings));
  assert.match(refused[0]?.message ?? '', /max_inflight_messages .*the client was not told/);
  // What the broker took reaches the subscriber; what it refused does not.
  const flows = JSON.parse((await runCli(['flows', '--format', 'json', '--client', 'inflight-sub', broker.logFile])).stdout) as { flows: Array<{ direction: string; state: string }> };
  assert.deepEqual(flows.flows.map((f) => [f.direction, f.state]), Array(5 - refusedInLog).fill(['out', 'complete']));
});

test('broker allow_zero_length_clientid false: a client without an id is refused, an auth failure that says its id was empty', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ extraConfig: ['allow_zero_length_clientid false'] });
  t.after(() => broker.dispose());
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const refused = await mqtt.connectAsync(url, { clientId: '', clean: true, protocolVersion: 4, reconnectPeriod: 0 }).then(() => null, (error: unknown) => error);
  assert.ok(refused !== null, 'the broker refuses the client');
  const named = await mqtt.connectAsync(url, { clientId: 'named', reconnectPeriod: 0 });
  await named.endAsync();
  await untilLogged(broker, 'Client named disconnected.');
  await broker.stop();

  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as {
    findings: Array<{ code: string; client: string | null; reasonCode?: number; message: string }>;
  };
  assert.deepEqual(problems.findings.map((f) => [f.code, f.client, f.reasonCode]), [['auth-failure', null, 2]], JSON.stringify(problems.findings));
  assert.match(problems.findings[0]?.message ?? '', /it sent an empty client id/);
  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', broker.logFile])).stdout) as { sessions: Array<{ client: string; endReason: string }> };
  assert.deepEqual(sessions.sessions.map((s) => [s.client, s.endReason]), [['named', 'disconnect']]);
});
