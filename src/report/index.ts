/**
 * The report layer: correlations and records in, text out. Never touches `process`.
 */
export { type ReportContext, type Reporter } from './context.js';
export { describeFinding, findingTitles } from './finding-text.js';
export { isoTime, renderRecordJson } from './record-json.js';
export { elideMiddle, formatBytes, formatDuration, formatTime, location, markdownCell, safeText } from './text.js';
