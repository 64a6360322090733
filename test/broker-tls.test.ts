/**
 * A real mosquitto with a TLS listener that asks clients for a certificate, on 127.0.0.1: each
 * way a client's handshake fails is a tls-failure whose text says what OpenSSL's reason most
 * often means, and a client that gets it right has a session.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { requireBroker, requireExecutable, startBroker } from './support/broker.js';
import { runCli } from './support/run-cli.js';
import { makeCertificates, requireOpenssl } from './support/tls.js';

const run = promisify(execFile);

test('broker TLS: a plain client, a client that does not trust the broker, and clients without a certificate the broker trusts are tls-failures that say why; a good client connects', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t) || !requireOpenssl(t)) return;
  const certs = await makeCertificates();
  t.after(() => rm(certs.dir, { recursive: true, force: true }));
  const broker = await startBroker({
    extraConfig: [`cafile ${certs.ca}`, `certfile ${certs.server.cert}`, `keyfile ${certs.server.key}`, 'require_certificate true'],
  });
  t.after(() => broker.dispose());
  /** mosquitto_pub's exit code with these options. */
  const publish = (id: string, tls: string[]): Promise<number> =>
    run(requireExecutable('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-i', id, '-t', 'tls/test', '-m', 'x', ...tls])
      .then(() => 0, (error: { code?: number }) => error.code ?? -1);

  assert.equal(await publish('good', ['--cafile', certs.ca, '--cert', certs.client.cert, '--key', certs.client.key]), 0);
  const failed = [
    await publish('plain', []),
    await publish('distrustful', ['--cafile', certs.otherCa, '--cert', certs.client.cert, '--key', certs.client.key]),
    await publish('no-certificate', ['--cafile', certs.ca]),
    await publish('stranger', ['--cafile', certs.ca, '--cert', certs.otherClient.cert, '--key', certs.otherClient.key]),
  ];
  assert.ok(failed.every((code) => code !== 0), `every other client fails: ${failed.join(', ')}`);
  await broker.stop();

  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as {
    findings: Array<{ code: string; client: string | null; message: string; detail?: string }>;
  };
  const tls = problems.findings.filter((f) => f.code === 'tls-failure');
  assert.deepEqual(tls.map((f) => /\(([^()]*)\)$/.exec(f.message)?.[1]), [
    'the client did not speak TLS: plain MQTT to a TLS port?',
    "the client does not trust the CA that signed the broker's certificate",
    'the client sent no certificate, which require_certificate asks for',
    "the broker could not verify the client's certificate with its CA files: signed by another CA, expired or not yet valid",
  ], JSON.stringify(problems.findings));
  assert.ok(tls.every((f) => f.client === null && f.detail?.startsWith('error:')), 'OpenSSL\'s error, of no client id');
  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', broker.logFile])).stdout) as { sessions: Array<{ client: string; endReason: string }> };
  assert.deepEqual(sessions.sessions.map((s) => [s.client, s.endReason]), [['good', 'disconnect']]);
});
