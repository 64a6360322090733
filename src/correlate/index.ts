/**
 * The correlate layer: records in, sessions, flows and findings out.
 */
export * from './types.js';
export { type CorrelateOptions, Correlator, correlateRecords } from './correlator.js';
