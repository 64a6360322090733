import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startBroker, type BrokerOptions } from '../test/support/broker.js';
import { isoVariants, scenarios, type ScenarioName } from './scenarios/index.js';
import { closeStrayClients } from './scenarios/stray-clients.js';

/** Captures are written here; compiled to dist/scripts/, so the repo root is two levels up. */
const fixturesDir = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** `log_timestamp_format` of the ISO variants; strftime in the broker's local time zone. */
const isoTimestampFormat = '%Y-%m-%dT%H:%M:%S';

/**
 * Runs one scenario against a fresh broker and writes `<base>.log` (the broker's own log file,
 * including startup and shutdown) and `<base>.truth.json`. Returns the line count and duration.
 */
async function capture(name: ScenarioName, base: string, options: BrokerOptions): Promise<{ lines: number; ms: number }> {
  const started = Date.now();
  const broker = await startBroker(options);
  try {
    let truth;
    try {
      truth = await scenarios[name].run(broker);
    } finally {
      await broker.stop();
    }
    if (options.timestampFormat !== undefined) {
      const variant = `Captured with log_timestamp_format ${options.timestampFormat}.`;
      truth = { ...truth, notes: truth.notes === undefined ? variant : `${truth.notes} ${variant}` };
    }
    await copyFile(broker.logFile, `${fixturesDir}${base}.log`);
    await writeFile(`${fixturesDir}${base}.truth.json`, `${JSON.stringify(truth, null, 2)}\n`);
    const text = await readFile(broker.logFile, 'utf8');
    return { lines: text.split('\n').length - 1, ms: Date.now() - started };
  } finally {
    closeStrayClients();
    await broker.dispose();
  }
}

/**
 * `npm run capture [scenario …]`: regenerates fixtures/ from a real mosquitto. With no arguments
 * it captures every scenario plus the ISO-timestamp variants. Progress goes to stderr.
 */
async function main(argv: readonly string[]): Promise<number> {
  const known = Object.keys(scenarios) as ScenarioName[];
  const unknown = argv.filter((a) => !known.includes(a as ScenarioName));
  if (unknown.length > 0) {
    process.stderr.write(`capture-fixtures: unknown scenario ${unknown.join(', ')}; known: ${known.join(', ')}\n`);
    return 2;
  }
  const selected = argv.length > 0 ? (argv as ScenarioName[]) : known;
  await mkdir(fixturesDir, { recursive: true });
  const jobs: Array<{ name: ScenarioName; base: string; options: BrokerOptions }> = [];
  for (const name of selected) {
    jobs.push({ name, base: name, options: scenarios[name].brokerOptions });
    if (isoVariants.includes(name)) {
      jobs.push({ name, base: `${name}.iso`, options: { ...scenarios[name].brokerOptions, timestampFormat: isoTimestampFormat } });
    }
  }
  const started = Date.now();
  for (const job of jobs) {
    const { lines, ms } = await capture(job.name, job.base, job.options);
    process.stderr.write(`captured fixtures/${job.base}.log: ${lines} lines in ${(ms / 1000).toFixed(1)} s\n`);
  }
  process.stderr.write(`captured ${jobs.length} fixtures in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`capture-fixtures: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
