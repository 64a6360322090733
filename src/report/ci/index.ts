/**
 * The CI reporters of `mosqlog report`, by format name. The keys drive `--format`'s choices.
 */
import type { Reporter } from '../context.js';
import type { CiReport } from './ci-report.js';
import { renderHtml } from '../html/index.js';
import { renderGithub } from './github.js';
import { renderCiJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

/** Format name → reporter. The first key is listed first in help. */
export const ciReporters = {
  markdown: renderMarkdown,
  junit: renderJunit,
  github: renderGithub,
  json: renderCiJson,
  html: renderHtml,
} as const satisfies Record<string, Reporter<CiReport>>;

/** A `--format` of `mosqlog report`. */
export type CiFormat = keyof typeof ciReporters;

/** The format names, for `--format` choices. */
export const ciFormats = Object.keys(ciReporters) as CiFormat[];

export { type CiReport } from './ci-report.js';
export { annotationsPerKind, escapeCommandData, escapeCommandProperty } from './github.js';
export { type MarkdownLimits, markdownLimits, renderMarkdownReport } from './markdown.js';
export { dropXmlForbidden, xmlAttribute, xmlText } from './xml.js';
