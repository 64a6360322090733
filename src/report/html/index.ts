/**
 * The self-contained HTML report: `renderHtml` is the `Reporter<CiReport>` for
 * `mosqlog report --format html`; `renderHtmlReport` takes limits too.
 */
export { renderHtml, renderHtmlReport } from './page.js';
export { type HtmlLimits, htmlLimits } from './limits.js';
export { htmlText, scriptJson } from './escape.js';
