/**
 * The HTML report in a real browser (Debian Chromium through playwright-core): it opens from a
 * file:// URL offline with no console error, no CSP violation and no request but the file
 * itself; hostile client ids run nothing; the sessions table sorts and filters by clicking and
 * typing, and by a timeline lane's label from mouse or keyboard; a phone-wide page does not
 * scroll sideways; badges keep their contrast in both themes. Screenshots go to test-artifacts/ (and, with MOSQLOG_DOCS_SCREENSHOT=1, the sample's
 * to docs/html-report.png).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { CiReport } from '../src/report/index.js';
import { htmlLimits, renderHtmlReport } from '../src/report/html/index.js';
import { troubledEnds } from '../src/report/finding-text.js';
import { closeBrowser, requireBrowser } from './support/browser.js';
import { plainContext } from './support/ci-report.js';
import { repoPath } from './support/fixtures.js';
import { reportOfLog } from './support/html-report.js';
import { runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();
after(closeBrowser);

/** Watches a page: requests, console errors and warnings, page errors, dialogs. */
interface OpenedReport {
  page: Page;
  url: string;
  report: CiReport;
  requests: string[];
  problems: string[];
  dialogs: string[];
}

/** Records alert/confirm/prompt calls and CSP violations before any page script runs. */
const watcher = `
window.__mosqlog = { calls: [], violations: [] };
for (const name of ['alert', 'confirm', 'prompt']) {
  const original = window[name];
  window[name] = function (message) { window.__mosqlog.calls.push(name + ': ' + String(message)); return original.call(window, message); };
}
document.addEventListener('securitypolicyviolation', (e) => window.__mosqlog.violations.push(e.violatedDirective + ' ' + e.blockedURI));
`;

/** Renders a fixture's report to test-artifacts/NAME.html and opens it from disk. */
async function openReport(browser: Browser, name: string, log: string, colorScheme: 'light' | 'dark' = 'light', javaScriptEnabled = true, limits = htmlLimits): Promise<OpenedReport> {
  const report = await reportOfLog(log);
  mkdirSync(repoPath('test-artifacts'), { recursive: true });
  const file = repoPath(`test-artifacts/${name}.html`);
  writeFileSync(file, renderHtmlReport(report, plainContext, limits));
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme, javaScriptEnabled });
  const page = await context.newPage();
  const opened: OpenedReport = { page, url: pathToFileURL(file).href, report, requests: [], problems: [], dialogs: [] };
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') opened.problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => opened.problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    opened.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  await page.addInitScript({ content: watcher });
  await page.goto(opened.url, { waitUntil: 'load' });
  return opened;
}

/** What the watcher saw in the page. */
async function watched(page: Page): Promise<{ calls: string[]; violations: string[] }> {
  return (await page.evaluate('window.__mosqlog')) as { calls: string[]; violations: string[] };
}

/** Asserts the page loaded cleanly: nothing but the file fetched, nothing complained. */
async function assertCleanLoad(opened: OpenedReport): Promise<void> {
  assert.deepEqual(opened.requests, [opened.url], 'the only request is the file itself');
  assert.deepEqual(opened.problems, [], 'no console errors or warnings');
  assert.deepEqual(opened.dialogs, [], 'no dialog');
  assert.deepEqual(await watched(opened.page), { calls: [], violations: [] }, 'no alert call, no CSP violation');
}

const visibleRows = '#sessions-table tbody tr:not([hidden])';

/** The WCAG contrast ratio of two colours as `getComputedStyle` gives them (`rgb(…)`, opaque). */
function contrastRatio(a: string, b: string): number {
  const luminance = (colour: string): number => {
    const [r = 0, g = 0, bl = 0] = (colour.match(/[\d.]+/g) ?? []).map((v) => Number(v) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** Client ids of the visible sessions-table rows, top to bottom. */
async function visibleClients(page: Page): Promise<string[]> {
  return page.locator(`${visibleRows} td:first-child`).allTextContents();
}

/** A field of the page data for each visible row, top to bottom. */
async function visibleField(page: Page, field: string): Promise<unknown[]> {
  return (await page.evaluate(`(() => {
    const data = JSON.parse(document.getElementById('report-data').textContent).sessions;
    return Array.from(document.querySelectorAll('${visibleRows}')).map((row) => data[Number(row.dataset.i)][${JSON.stringify(field)}]);
  })()`)) as unknown[];
}

describe('fixtures/sample.log in Chromium', () => {
  test('loads offline from file:// with one lane per client, the stalled flow and the problems', async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    const opened = await openReport(browser, 'html-report-sample', 'fixtures/sample.log');
    const { page, report } = opened;
    await assertCleanLoad(opened);
    const clients = [...new Set(report.correlation.sessions.map((s) => s.client))];
    const lanes = await page.locator('#timeline-chart .lane-label title').allTextContents();
    assert.deepEqual([...lanes].sort(), [...clients].sort(), 'one lane per client');
    const box = await page.locator('#timeline-chart svg').boundingBox();
    assert.ok(box && box.width > 1000 && box.height > 100, 'the timeline is drawn at page width');
    assert.ok(await page.locator('#connections-chart svg rect.open-sessions').count() > 0, 'connections chart has bars');
    assert.ok(await page.locator('#latency-chart svg rect.bar').count() > 0, 'latency histogram has bars');
    const flows = await page.locator('#flows table').last().innerText();
    assert.match(flows, /legacy-logger/);
    assert.match(flows, /incomplete at PUBREC/);
    const problems = await page.locator('#problems').innerText();
    for (const f of report.correlation.findings) assert.ok(problems.includes(`${f.at[0]?.file}:${f.at[0]?.line}`), f.code);
    await page.screenshot({ path: repoPath('test-artifacts/html-report-sample.png'), fullPage: true });
    if (process.env['MOSQLOG_DOCS_SCREENSHOT'] === '1') await page.screenshot({ path: repoPath('docs/html-report.png'), fullPage: true });
    await page.context().close();
  });

  test('the sessions table sorts by clicking headers and filters by typing a client id', async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    const opened = await openReport(browser, 'html-report-sample', 'fixtures/sample.log');
    const { page, report } = opened;
    const sessions = report.correlation.sessions;
    assert.equal(await page.evaluate(`getComputedStyle(document.querySelector('th button'), '::after').content`), '" ↕"', 'sortable headings show it');
    await page.locator('button[data-key="client"]').click();
    const ascending = await visibleClients(page);
    assert.deepEqual(ascending, sessions.map((s) => s.client).sort((a, b) => a.localeCompare(b)));
    assert.equal(await page.locator('th[data-sort="client"]').getAttribute('aria-sort'), 'ascending');
    await page.locator('button[data-key="client"]').click();
    assert.deepEqual(await visibleClients(page), [...ascending].reverse());
    assert.equal(await page.locator('th[data-sort="client"]').getAttribute('aria-sort'), 'descending');

    await page.locator('button[data-key="duration"]').click();
    const durations = (await visibleField(page, 'd')) as number[];
    assert.deepEqual(durations, [...durations].sort((a, b) => a - b));
    assert.deepEqual([...durations].sort((a, b) => a - b), sessions.map((s) => s.durationMs ?? 0).sort((a, b) => a - b));

    await page.locator('#session-filter').pressSequentially('MOBILE');
    assert.deepEqual(await visibleClients(page), ['mobile-app-7', 'mobile-app-7']);
    assert.equal(await page.locator('#session-shown').textContent(), `2 of ${sessions.length} listed session(s) shown`);
    await page.locator('#session-filter').fill('');
    assert.equal(await page.locator(visibleRows).count(), sessions.length);

    await page.locator('#session-troubled').check();
    const findingClients = new Set(report.correlation.findings.map((f) => f.client));
    const troubled = sessions.filter((s) => troubledEnds.has(s.endReason) || findingClients.has(s.client)).map((s) => s.client);
    assert.deepEqual((await visibleClients(page)).sort(), troubled.sort());
    await page.locator('#session-troubled').uncheck();

    await page.locator('#timeline-chart .lane-label', { hasText: 'thermostat-3f' }).click();
    assert.equal(await page.locator('#session-filter').inputValue(), 'thermostat-3f');
    assert.deepEqual(await visibleClients(page), ['thermostat-3f']);
    await assertCleanLoad(opened);
    await page.context().close();
  });

  test('without JavaScript the filter controls and sort arrows, which need it, stay hidden and every session row shows', async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    const { page, report } = await openReport(browser, 'html-report-no-js', 'fixtures/sample.log', 'light', false);
    assert.equal(await page.locator('#session-controls').isVisible(), false, 'the controls are hidden');
    assert.equal(await page.locator(visibleRows).count(), report.correlation.sessions.length);
    assert.equal(await page.evaluate(`getComputedStyle(document.querySelector('th button'), '::after').content`), 'none', 'no sort arrow');
    assert.notEqual(await page.evaluate(`getComputedStyle(document.querySelector('th button')).cursor`), 'pointer');
    assert.notEqual(await page.evaluate(`getComputedStyle(document.querySelector('.lane-label')).cursor`), 'pointer');
    assert.equal(await page.locator('#timeline-chart [tabindex]').count(), 0, 'no lane label to tab to');
    await page.context().close();
  });

  test('dark theme follows the system; print hides the controls and un-scrolls the tables', async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    const opened = await openReport(browser, 'html-report-sample-dark', 'fixtures/sample.log', 'dark');
    const { page } = opened;
    const background = async (): Promise<unknown> => page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
    assert.equal(await background(), 'rgb(13, 17, 23)');
    await page.screenshot({ path: repoPath('test-artifacts/html-report-sample-dark.png') });
    const link = async (): Promise<unknown> => page.evaluate(`getComputedStyle(document.querySelector('nav a')).color`);
    const darkLink = await link();
    await page.emulateMedia({ colorScheme: 'light' });
    assert.equal(await background(), 'rgb(255, 255, 255)');
    assert.equal(await page.locator('#session-controls').isVisible(), true);
    const lightLink = await link();
    assert.notEqual(darkLink, lightLink);
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    assert.equal(await background(), 'rgb(255, 255, 255)', 'print is light whatever the system theme');
    assert.equal(await link(), lightLink, 'links print in the light theme\'s colour');
    assert.equal(await page.locator('#session-controls').isVisible(), false);
    assert.equal(await page.evaluate(`getComputedStyle(document.querySelector('.table-wrap')).maxHeight`), 'none');
    await assertCleanLoad(opened);
    await page.context().close();
  });
});

describe('badges', () => {
  test('every badge has a contrast of at least 4.5:1 in both themes', async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    const opened = await openReport(browser, 'html-report-badges', 'fixtures/sample.log', 'dark');
    const { page } = opened;
    // One of each kind of badge, whichever the sample's verdict and problems happen to be.
    await page.evaluate(`(() => {
      for (const name of ['badge pass', 'badge fail', 'badge off', 'sev error', 'sev warning', 'sev info']) {
        const badge = document.createElement('span');
        badge.className = name;
        badge.textContent = name;
        document.body.appendChild(badge);
      }
    })()`);
    for (const scheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const badges = (await page.evaluate(`Array.from(document.querySelectorAll('.badge, .sev')).map((e) => {
        const style = getComputedStyle(e);
        return [e.className, style.color, style.backgroundColor];
      })`)) as Array<[string, string, string]>;
      assert.ok(badges.length >= 6);
      for (const [name, fg, bg] of badges) {
        const ratio = contrastRatio(fg, bg);
        assert.ok(ratio >= 4.5, `${scheme} ${name}: ${fg} on ${bg} is ${ratio.toFixed(2)}:1`);
      }
    }
    await page.context().close();
  });
});

describe('fixtures/handmade/xss-ids.log in Chromium', () => {
  test('hostile client ids show as text and run no script', async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    const opened = await openReport(browser, 'html-report-xss-ids', 'fixtures/handmade/xss-ids.log');
    const { page, report } = opened;
    await assertCleanLoad(opened);
    // Hovering where injected markup would sit gives an onmouseover every chance to fire.
    for (const label of await page.locator('#timeline-chart .lane-label').all()) await label.hover({ timeout: 2000 });
    for (const cell of await page.locator('#sessions-table td.client').all()) await cell.hover({ timeout: 2000 });
    await assertCleanLoad(opened);
    assert.equal(await page.locator('script').count(), 2, 'only the page\'s own data block and script');
    assert.equal(await page.locator('img, iframe, object, embed, svg script, [onerror], [onload], [onclick], [onmouseover]').count(), 0);
    const ids = [...new Set(report.correlation.sessions.map((s) => s.client))];
    assert.ok(ids.includes('<img src=x onerror=alert(1)>') && ids.includes('"><script>alert(1)</script>'));
    assert.deepEqual((await page.locator('#timeline-chart .lane-label title').allTextContents()).sort(), [...ids].sort());
    assert.deepEqual((await visibleClients(page)).sort(), report.correlation.sessions.map((s) => s.client).sort());
    assert.match(await page.locator('#problems').innerText(), /<img src=x onerror=alert\(1\)> delivery m1/);

    await page.locator('#session-filter').pressSequentially('<img');
    assert.deepEqual(await visibleClients(page), ['<img src=x onerror=alert(1)>']);
    await page.locator('#session-filter').fill('');
    await page.locator('#timeline-chart .lane-label').filter({ hasText: 'alert(3)' }).click();
    assert.deepEqual(await visibleClients(page), ['</script><script>alert(3)</script><!--', '</script><script>alert(3)</script><!--']);
    await page.screenshot({ path: repoPath('test-artifacts/html-report-xss-ids.png'), fullPage: true });
    await assertCleanLoad(opened);
    await page.context().close();
  });
});

describe('a lane click selects one client', () => {
  test('pump shows pump, not PUMP-2; typing matches any part again', async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    mkdirSync(repoPath('test-artifacts'), { recursive: true });
    writeFileSync(repoPath('test-artifacts/lane-click.log'), [
      '1795700000: mosquitto version 2.0.11 running',
      '1795700001: New client connected from 10.0.0.1:20001 as pump (p2, c1, k60).',
      '1795700002: New client connected from 10.0.0.2:20002 as PUMP-2 (p2, c1, k60).',
      '1795700003: Client pump disconnected.',
      '1795700004: Client PUMP-2 disconnected.',
      '',
    ].join('\n'));
    const opened = await openReport(browser, 'html-report-lane-click', 'test-artifacts/lane-click.log');
    const { page } = opened;
    const lane = (client: string) => page.locator('#timeline-chart .lane-label').filter({ has: page.getByText(client, { exact: true }) });
    await lane('pump').click();
    assert.equal(await page.locator('#session-filter').inputValue(), 'pump');
    assert.deepEqual(await visibleClients(page), ['pump']);
    await lane('PUMP-2').click();
    assert.deepEqual(await visibleClients(page), ['PUMP-2']);
    await page.locator('#session-filter').fill('pump');
    assert.deepEqual((await visibleClients(page)).sort(), ['PUMP-2', 'pump']);
    await assertCleanLoad(opened);
    await page.context().close();
  });

  test('a lane label works from the keyboard; a click on a session bar filters nothing and stays put', async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    const opened = await openReport(browser, 'html-report-lane-keys', 'test-artifacts/lane-click.log');
    const { page } = opened;
    const lane = (client: string) => page.getByRole('button', { name: client, exact: true });
    assert.equal(await lane('pump').getAttribute('tabindex'), '0');
    await lane('pump').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#session-filter').inputValue(), 'pump');
    assert.deepEqual(await visibleClients(page), ['pump']);
    await lane('PUMP-2').focus();
    await page.keyboard.press(' ');
    assert.deepEqual(await visibleClients(page), ['PUMP-2']);

    await page.locator('#session-filter').fill('');
    const bar = page.locator('#timeline-chart rect.session').first();
    await bar.scrollIntoViewIfNeeded();
    const before = await page.evaluate('window.scrollY');
    await bar.click();
    assert.equal(await page.locator('#session-filter').inputValue(), '');
    assert.equal(await page.locator(visibleRows).count(), 2);
    assert.equal(await page.evaluate('window.scrollY'), before, 'the page did not scroll to the table');
    await assertCleanLoad(opened);
    await page.context().close();
  });
});

describe('a capped sessions table', () => {
  test("a lane's client with sessions the table does not list says how many", async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    const opened = await openReport(browser, 'html-report-capped', 'fixtures/sample.log', 'light', true, { ...htmlLimits, sessionRows: 2 });
    const { page } = opened;
    const shown = page.locator('#session-shown');
    await page.getByRole('button', { name: 'mobile-app-7', exact: true }).click();
    assert.equal(await shown.textContent(), '0 of 2 listed session(s) shown; 2 more sessions of this client are drawn in its lane but not listed');
    await page.getByRole('button', { name: 'light-sensor-2f', exact: true }).click();
    assert.equal(await shown.textContent(), '1 of 2 listed session(s) shown');
    await assertCleanLoad(opened);
    await page.context().close();
  });
});

describe('a phone-wide page', () => {
  test('at 375 px nothing scrolls sideways but the wide tables and the timeline, each in its own box; an end chip does not wrap', async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    const opened = await openReport(browser, 'html-report-phone', 'fixtures/sample.log');
    const { page } = opened;
    await page.setViewportSize({ width: 375, height: 800 });
    assert.equal(await page.evaluate('document.documentElement.scrollWidth'), 375, 'no horizontal scrolling');
    for (const table of await page.locator('#flows table, #problems table').all()) {
      assert.ok(await table.evaluate((e) => e.parentElement?.classList.contains('table-wrap')), 'the table scrolls in its box');
    }
    for (const what of await page.locator('td.what').all()) {
      const box = await what.boundingBox();
      assert.ok(box && box.width >= 150, `what is ${box?.width ?? 0} px wide`);
    }
    // The narrowest a table gets: a session's end keeps its colour square beside its word.
    const chips = page.locator('#sessions-table .chip');
    assert.ok(await chips.count() > 0);
    for (const chip of await chips.all()) {
      assert.equal(await chip.evaluate((e) => e.getClientRects().length), 1, `${await chip.textContent()} on one line`);
    }
    const timeline = await page.locator('#timeline-chart svg').boundingBox();
    assert.ok(timeline && timeline.width >= 700, 'the timeline keeps a readable size');
    assert.ok(await page.locator('.timeline-wrap').evaluate((e) => e.scrollWidth > e.clientWidth), 'and scrolls in its box');
    await page.screenshot({ path: repoPath('test-artifacts/html-report-phone.png'), fullPage: true });

    await page.setViewportSize({ width: 768, height: 800 });
    assert.equal(await page.evaluate('document.documentElement.scrollWidth'), 768);
    assert.ok(await page.locator('.timeline-wrap').evaluate((e) => e.scrollWidth <= e.clientWidth), 'at 768 px the timeline fits');
    await assertCleanLoad(opened);
    await page.context().close();
  });
});

describe('long log content', () => {
  test('long lines not understood and a long client id wrap within a 1280-pixel page', async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    mkdirSync(repoPath('test-artifacts'), { recursive: true });
    const long = (i: number): string => `1795700000: ${`unparseable-${i}-`.repeat(30)}`;
    writeFileSync(repoPath('test-artifacts/long-lines.log'), [
      '1795700000: mosquitto version 2.0.11 running',
      `1795700001: New client connected from 10.0.0.1:20001 as ${'sensor-'.repeat(60)} (p2, c1, k60).`,
      ...Array.from({ length: 8 }, (_, i) => long(i)),
      '',
    ].join('\n'));
    const opened = await openReport(browser, 'html-report-long-lines', 'test-artifacts/long-lines.log');
    const { page } = opened;
    assert.ok(await page.locator('td.line').count() > 0, 'the lines are listed');
    assert.ok((await page.evaluate('document.documentElement.scrollWidth')) as number <= 1280, 'no horizontal scrolling');
    await assertCleanLoad(opened);
    await page.context().close();
  });

  test('a client id of 40 emoji, cut by its width, stays within the timeline', async (t) => {
    const browser = await requireBrowser(t);
    if (!browser) return;
    mkdirSync(repoPath('test-artifacts'), { recursive: true });
    const id = '😀'.repeat(40);
    writeFileSync(repoPath('test-artifacts/emoji-id.log'), [
      '1795700000: mosquitto version 2.0.11 running',
      `1795700001: New client connected from 10.0.0.1:20001 as ${id} (p2, c1, k60).`,
      `1795700003: Client ${id} disconnected.`,
      '',
    ].join('\n'));
    const opened = await openReport(browser, 'html-report-emoji-id', 'test-artifacts/emoji-id.log');
    const { page } = opened;
    const label = await page.locator('#timeline-chart .lane-label').boundingBox();
    const svg = await page.locator('#timeline-chart svg').boundingBox();
    assert.ok(label && svg && label.x >= svg.x, `the label starts ${svg && label ? svg.x - label.x : '?'} px left of the chart`);
    await assertCleanLoad(opened);
    await page.context().close();
  });
});
