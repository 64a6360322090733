/**
 * The parse layer: log lines in, typed records out.
 */
export * from './record.js';
export { type Clock, calendarDay, createClock, fractionMs, halfYearMs, isCalendarDate, parseOffset } from './clock.js';
export { LineParser, type LineContext, type LineDecoder, type ParseOptions, carriedContext, createLineDecoder, nextFileContext, parseLine, publishesLogLine } from './parse-line.js';
export { type Line, type LineSpans, type OverlongLine, defaultMaxLineLength, linesOf, overlongHeadLength, readLineBatches, spansOf } from './read-lines.js';
export { readRecordBatches } from './records.js';
export { isAtLeast21, isKnownBefore } from './pattern.js';
export { fillPrintf } from './template.js';
export { findCatalogueLevel } from './families/catalogue.js';
export { packetRecord } from './families/packet.js';
