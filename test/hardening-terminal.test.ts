/**
 * Hardening: no byte sequence in a log reaches a terminal as a control. Every escape sequence of
 * the corpus, and random mixtures of them, are put in client ids, usernames, topics, addresses,
 * error texts and unknown lines; every terminal view (summary, sessions, flows, problems,
 * timeline, follow events and `--all` lines, the follow dashboard and its summary, and the
 * Markdown and annotation text CI prints to its log) must hold no control character, and with
 * colour on no ESC but the SGR sequences mosqlog itself writes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, afterEach, describe, test } from 'node:test';
import fc from 'fast-check';
import { startFollow, stopFollows } from './support/follow.js';
import {
  type HostileValues, assertTerminalSafe, buildHostileLog, dashboardLines, decodedText, escapeCorpus, everywhere,
  hostileText, logBytes,
} from './support/hostile.js';
import { type RunOptions, runCli } from './support/run-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'mosqlog-hardening-term-'));
after(() => rmSync(temp, { recursive: true, force: true }));
afterEach(stopFollows);

const views = [['summary'], ['sessions'], ['flows'], ['problems'], ['timeline'], ['timeline', '--packets']];

/** Terminals and pipes, narrow and wide: fitting a cell must not cut an escape in half either. */
const terminals: RunOptions[] = [{}, { stdoutIsTTY: true, columns: 80 }, { stdoutIsTTY: true, columns: 200 }];

function writeLog(name: string, stories: readonly HostileValues[]): string {
  const path = join(temp, name);
  writeFileSync(path, logBytes(buildHostileLog(stories)));
  return path;
}

/** Runs every view of `log` with colour off and on, on each terminal, and checks all it wrote. */
async function checkViews(log: string, options: RunOptions[] = terminals): Promise<void> {
  for (const view of views) {
    for (const colour of [false, true]) {
      for (const terminal of options) {
        const argv = [...view, colour ? '--color' : '--no-color', log];
        const result = await runCli(argv, terminal);
        const label = `${argv.join(' ')} ${JSON.stringify(terminal)}`;
        assert.equal(result.code, 0, `${label}: ${result.stderr}`);
        assert.equal(result.stderr, '', label);
        assertTerminalSafe(result.stdout, colour, label);
      }
    }
  }
}

/** `mosqlog report` prints Markdown (its default) or annotations to a CI log, which renders ESC. */
async function checkCiText(log: string): Promise<void> {
  for (const format of ['markdown', 'github']) {
    const result = await runCli(['report', log, '--format', format, '--fail-on', 'all'], { stdoutIsTTY: true });
    assert.equal(result.code, 1, `report --format ${format}: ${result.stderr}`);
    assertTerminalSafe(result.stdout, false, `report --format ${format}`);
    assertTerminalSafe(result.stderr, false, `report --format ${format} (stderr)`);
  }
}

/** `mosqlog follow -` over the log on stdin: event lines and every line (`--all`), then its summary. */
async function checkFollow(bytes: Buffer): Promise<void> {
  for (const colour of [false, true]) {
    const run = startFollow(['-', '--all', colour ? '--color' : '--no-color'], { stdin: Readable.from([bytes]), stdoutIsTTY: true, stderrIsTTY: true, columns: 100 });
    assert.equal(await run.exited, 0, run.stderr());
    assert.match(run.stdout(), /connected from/, 'events were printed');
    assertTerminalSafe(run.stdout(), colour, `follow --all, colour ${colour}`);
    assertTerminalSafe(run.stderr(), colour, `follow summary, colour ${colour}`);
  }
}

/**
 * `mosqlog follow --dashboard -`: the lines it drew, less its own redraw sequences. It shows the
 * last few problems only, so each story is followed on its own.
 */
async function checkDashboard(stories: readonly HostileValues[]): Promise<void> {
  for (const story of stories) {
    for (const colour of [false, true]) {
      const stdin = Readable.from([logBytes(buildHostileLog([story]))]);
      const run = startFollow(['-', '--dashboard', colour ? '--color' : '--no-color'], { stdin, stdoutIsTTY: true, stderrIsTTY: true, columns: 100 });
      assert.equal(await run.exited, 0, run.stderr());
      const label = `follow --dashboard, colour ${colour}, ${JSON.stringify(story.client)}`;
      const lines = dashboardLines(run.stdout());
      assert.ok(lines.some((line) => /^ {2}\S+ \S+ (keepalive-timeout|socket-error|auth-failure) /.test(line.replace(/\x1b\[[0-9;]*m/g, ''))), `${label}: problems were drawn`);
      assertTerminalSafe(lines.join('\n'), colour, label);
      assertTerminalSafe(run.stderr(), colour, `${label} (summary)`);
    }
  }
}

describe('every sequence of the escape corpus, in every place a client controls', () => {
  const stories = escapeCorpus.map(([, text], i) => everywhere(text, i));
  const log = writeLog('corpus.log', stories);
  const bytes = logBytes(buildHostileLog(stories));

  test(`the corpus (${escapeCorpus.length} sequences) reaches the reporters intact`, async () => {
    const result = await runCli(['sessions', '--format', 'json', log]);
    const sessions = (JSON.parse(result.stdout) as { sessions: Array<{ client: string; address: string; username: string | null }> }).sessions;
    for (const v of stories) {
      const session = sessions.find((s) => s.client === decodedText(v.client));
      assert.ok(session, `a session of ${JSON.stringify(v.client)}`);
      assert.equal(session.address, decodedText(v.address));
      assert.equal(session.username, decodedText(v.user));
    }
  });

  test('table and timeline views, colour off and on, pipe and terminals', async () => {
    await checkViews(log);
  });

  test('Markdown and annotations printed to a CI log', async () => {
    await checkCiText(log);
  });

  test('follow: events and every line', async () => {
    await checkFollow(bytes);
  });

  test('follow --dashboard, one story at a time', async () => {
    await checkDashboard(stories);
  });

  test('each sequence on its own, as a whole client id (nothing around it to hide behind)', async () => {
    const bare = escapeCorpus.map(([, text], i): HostileValues => ({ client: text, user: text, topic: text, address: text, detail: text, unknown: `${i}${text}` }));
    await checkViews(writeLog('bare.log', bare), [{ stdoutIsTTY: true, columns: 80 }]);
  });
});

describe('random hostile text (fast-check)', () => {
  test('in every view, colour off and on', async () => {
    let n = 0;
    await fc.assert(fc.asyncProperty(fc.array(hostileText, { minLength: 1, maxLength: 3 }), async (texts) => {
      const log = writeLog(`random-${n++}.log`, texts.map((t, i) => everywhere(t, i)));
      await checkViews(log, [{}, { stdoutIsTTY: true, columns: 72 }]);
    }), { numRuns: 25 });
  });

  test('in follow events, every line and the dashboard', async () => {
    await fc.assert(fc.asyncProperty(fc.array(hostileText, { minLength: 1, maxLength: 3 }), async (texts) => {
      const stories = texts.map((t, i) => everywhere(t, i));
      await checkFollow(logBytes(buildHostileLog(stories)));
      await checkDashboard(stories);
    }), { numRuns: 10 });
  });
});
