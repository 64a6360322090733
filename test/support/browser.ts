/**
 * A real browser for the HTML report tests: Debian's Chromium driven by playwright-core (which
 * downloads no browser of its own). Tests call {@link requireBrowser} first: without Chromium or
 * playwright-core they are skipped, visibly, unless MOSQLOG_REQUIRE_BROKER=1 (CI), where a
 * missing browser fails them.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { type SkippableTest, goOnOrSkip } from './broker.js';

/** Where Debian's `chromium` package puts the browser; `MOSQLOG_CHROMIUM` overrides. */
export const chromiumPath = process.env['MOSQLOG_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags for a quiet, offline-friendly headless run as root in a container. */
export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

let launching: Promise<Browser | string> | undefined;

async function launch(): Promise<Browser | string> {
  if (!existsSync(chromiumPath)) return `${chromiumPath} not found (apt-get install chromium)`;
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm install)';
  }
  try {
    return await playwright.chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  } catch (error) {
    return `Chromium did not start: ${(error as Error).message.split('\n')[0] ?? ''}`;
  }
}

/**
 * The shared browser, launched on first use; null (and the test skipped, with a line on
 * stderr) when it cannot run — unless `MOSQLOG_REQUIRE_BROKER=1`, when it throws.
 */
export async function requireBrowser(t: SkippableTest): Promise<Browser | null> {
  launching ??= launch();
  const browser = await launching;
  if (typeof browser !== 'string') return browser;
  goOnOrSkip(t, browser, 'browser test');
  return null;
}

/** Closes the shared browser if one was launched (call from `after`). */
export async function closeBrowser(): Promise<void> {
  const browser = await launching;
  launching = undefined;
  if (browser && typeof browser !== 'string') await browser.close();
}
