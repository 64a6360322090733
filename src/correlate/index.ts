/**
 * The correlate layer: records in, sessions, flows and findings out.
 */
export * from './types.js';
export { type CorrelateOptions, Correlator, correlateRecords, defaultFindingsPerCode, isDebugLine } from './correlator.js';
export { endpoint } from './failed-connections.js';
export { FlowTally } from './flows.js';
export { SessionTally, activityKeyLimit } from './stats.js';
export { FindingTally, type Selection, type Selector, type TimeBound, attemptSelected, compileSelection, countFindings, filtersOverlap, findingAbout, flowSelected, globProblem, sessionSelected, orphanAckSelected, invertedWindow, needsLastTime, parseTimeBound, recordClient, recordSelected, resolveBound, selectCorrelation, selects, topicFilterProblem } from './select.js';
export { SessionSettling } from './session-settling.js';
export { type SessionOverview, type SessionSpan, SessionSample } from './session-sample.js';
export { type TimelineEntry, type TimelineSink, TimelineBuilder, selectTimeline, timelineSelector } from './timeline.js';
export { type LiveFilter, createLiveFilter } from './live-select.js';
export { type LiveSnapshot, type RecentFinding, LiveStats } from './live-stats.js';
