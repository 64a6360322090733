/**
 * The analysing commands and the formats their reporter registries offer, so tests cover a new
 * format as soon as it is registered.
 */
import { flowsReporters, problemsReporters, sessionsReporters } from '../../src/report/lists.js';
import { summaryReporters } from '../../src/report/summary.js';
import { timelineReporters } from '../../src/report/timeline.js';

export const viewFormats = {
  summary: Object.keys(summaryReporters),
  sessions: Object.keys(sessionsReporters),
  flows: Object.keys(flowsReporters),
  problems: Object.keys(problemsReporters),
  timeline: Object.keys(timelineReporters),
} as const;
