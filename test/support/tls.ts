/**
 * Certificates for TLS broker tests, made by the openssl command-line tool (Debian openssl) in a
 * fresh directory: a CA, a server certificate for 127.0.0.1 and a client certificate signed by
 * it, and a second CA with a client certificate of its own, which the first CA does not vouch
 * for. Tests call {@link requireOpenssl} first: without openssl they are skipped, visibly, unless
 * MOSQLOG_REQUIRE_BROKER=1 (CI), where a missing tool fails them.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type SkippableTest, findExecutable, goOnOrSkip } from './broker.js';

const run = promisify(execFile);

/** Call first in a test that needs certificates; returns false (test skipped) when openssl is missing ({@link goOnOrSkip}). */
export function requireOpenssl(t: SkippableTest): boolean {
  return goOnOrSkip(t, findExecutable('openssl') === undefined ? 'openssl not installed (apt-get install openssl)' : null, 'TLS broker test');
}

/** Where the files are: PEM certificates (`.crt`) and their unencrypted keys (`.key`). */
export interface Certificates {
  dir: string;
  /** The CA the broker trusts, and that signed `server` and `client`. */
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
  /** A CA nobody else trusts, and a client certificate it signed. */
  otherCa: string;
  otherClient: { cert: string; key: string };
}

/** Makes the certificates, valid for a day, readable by the broker's service account. */
export async function makeCertificates(): Promise<Certificates> {
  const dir = await mkdtemp(join(tmpdir(), 'mosqlog-tls-'));
  const openssl = findExecutable('openssl') ?? 'openssl';
  const path = (name: string): string => join(dir, name);
  const selfSigned = (name: string, subject: string): Promise<unknown> =>
    run(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', subject, '-keyout', path(`${name}.key`), '-out', path(`${name}.crt`)]);
  const signed = async (name: string, subject: string, ca: string, extensions?: string): Promise<void> => {
    await run(openssl, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', path(`${name}.key`), '-out', path(`${name}.csr`)]);
    const extra = extensions === undefined ? [] : ['-extfile', path(`${name}.ext`)];
    if (extensions !== undefined) await writeFile(path(`${name}.ext`), extensions);
    await run(openssl, ['x509', '-req', '-days', '1', '-in', path(`${name}.csr`), '-CA', path(`${ca}.crt`), '-CAkey', path(`${ca}.key`), '-set_serial', String(Date.now()), '-out', path(`${name}.crt`), ...extra]);
  };
  await selfSigned('ca', '/CN=mosqlog test CA');
  await selfSigned('other-ca', '/CN=mosqlog other CA');
  await signed('server', '/CN=127.0.0.1', 'ca', 'subjectAltName=IP:127.0.0.1\n');
  await signed('client', '/CN=mosqlog-client', 'ca');
  await signed('other-client', '/CN=mosqlog-stranger', 'other-ca');
  // The broker drops root for its service account, which must read the keys too.
  await chmod(dir, 0o755);
  for (const name of ['ca', 'other-ca', 'server', 'client', 'other-client']) await chmod(path(`${name}.key`), 0o644);
  return {
    dir,
    ca: path('ca.crt'),
    server: { cert: path('server.crt'), key: path('server.key') },
    client: { cert: path('client.crt'), key: path('client.key') },
    otherCa: path('other-ca.crt'),
    otherClient: { cert: path('other-client.crt'), key: path('other-client.key') },
  };
}
