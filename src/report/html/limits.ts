/**
 * How much of a log the HTML report lists or draws. Everything past a limit is counted and
 * the page says how many were left out; aggregates (charts, totals) always cover the whole log.
 * The defaults keep the page of a 2-million-line log around a megabyte.
 */
export interface HtmlLimits {
  /** Client lanes in the sessions timeline. */
  timelineLanes: number;
  /** Session bars in the timeline. */
  timelineBars: number;
  /** Problem markers in the timeline. */
  timelineMarkers: number;
  /** Rows of the sessions table. */
  sessionRows: number;
  /** Rows of the unfinished-flows table. */
  flowRows: number;
  /** Problems listed per finding code. */
  problemsPerCode: number;
  /** Problems listed in all. */
  problemRows: number;
  /** Buckets of the charts over time. */
  chartBuckets: number;
}

/** The limits `renderHtml` uses. */
export const htmlLimits: HtmlLimits = {
  timelineLanes: 120,
  timelineBars: 2000,
  timelineMarkers: 1000,
  sessionRows: 1000,
  flowRows: 200,
  problemsPerCode: 50,
  problemRows: 300,
  chartBuckets: 360,
};
