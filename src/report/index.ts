/**
 * The report layer: correlations and records in, text out. Never touches `process`.
 */
export { type ReportContext, type Reporter } from './context.js';
export { describeFinding, findingTitles } from './finding-text.js';
export { findingsInOrder } from './log-order.js';
export { type ReportOutput } from './output.js';
export { RecordJsonLines, isoTime, renderRecordJson } from './record-json.js';
export { elideMiddle, formatBytes, formatCount, formatDuration, formatTime, inputName, location, markdownCell, markdownCode, markdownCodeCell, safeText, stdinFile } from './text.js';
export { type CiFormat, type CiReport, ciFormats, ciReporters } from './ci/index.js';
export { type FollowFormat, type FollowFormatName, followFormats } from './follow-formats.js';
export { type DashboardInfo, renderDashboard } from './follow-dashboard.js';
export { type FollowEnding, type FollowSummaryInfo, renderFollowSummary } from './follow-summary.js';
