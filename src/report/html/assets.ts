/**
 * The HTML report's style sheet and script, inlined into every page. Both are constant text:
 * the page's Content-Security-Policy allows exactly these by their SHA-256 hashes.
 */
import type { EndReason } from '../../correlate/index.js';

/** Colours per session end: [light theme, dark theme]. */
const endColours: Record<EndReason, [string, string]> = {
  disconnect: ['#2da44e', '#3fb950'],
  closed: ['#6e7781', '#8b949e'],
  timeout: ['#e16f24', '#f0883e'],
  'socket-error': ['#cf222e', '#f85149'],
  takeover: ['#8250df', '#a371f7'],
  'protocol-error': ['#bf3989', '#db61a2'],
  'not-authorised': ['#953800', '#d18616'],
  kicked: ['#e85aad', '#f778ba'],
  'broker-shutdown': ['#4d6b8a', '#7d9ec0'],
  open: ['#0969da', '#58a6ff'],
  other: ['#9a6700', '#bb8009'],
};

const endVariables = (theme: 0 | 1): string =>
  Object.entries(endColours).map(([end, colours]) => `--end-${end}:${colours[theme]};`).join('');

const endRules = Object.keys(endColours).map((end) => `.end-${end}{fill:var(--end-${end})}.chip.end-${end}::before{background:var(--end-${end})}`).join('\n');

/** The page's style sheet: light and dark themes from `prefers-color-scheme`, a print style. */
export const reportStyle = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--border:#d1d9e0;--card:#f6f8fa;--plot:#fbfcfd;--grid:#e1e6eb;--stripe:rgba(175,184,193,.12);--accent:#0969da;--bar:#0969da;--bar2:#8250df;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--info:#0969da;--on-badge:#ffffff;${endVariables(0)}}
@media screen and (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--border:#3d444d;--card:#151b23;--plot:#10151c;--grid:#262c36;--stripe:rgba(101,108,118,.14);--accent:#4493f8;--bar:#4493f8;--bar2:#a371f7;--ok:#3fb950;--bad:#f85149;--warn:#d29922;--info:#4493f8;--on-badge:#0d1117;${endVariables(1)}}}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--fg)}
body{margin:0 auto;max-width:1280px;padding:16px 24px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif}
h1{font-size:24px;margin:8px 0 4px}
h2{font-size:19px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--border)}
h3{font-size:15px;margin:18px 0 6px}
p{margin:6px 0}
code,.mono,td.client,td.topic,td.where,td.line{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
td.client,td.topic,td.what,td.line{overflow-wrap:anywhere}
td.client,td.topic{min-width:16ch}
td.what{min-width:24ch}
td.where{white-space:nowrap}
.muted,.note{color:var(--muted)}
.note{font-size:13px}
.meta{color:var(--muted);margin:0 0 8px}
.badge{display:inline-block;padding:1px 10px;border-radius:12px;font-weight:600;color:var(--on-badge)}
.badge.pass{background:var(--ok)}.badge.fail{background:var(--bad)}.badge.off{background:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:10px;margin:10px 0}
.card{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:8px 12px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:16px;font-weight:600;overflow-wrap:anywhere}
.card .s{color:var(--muted);font-size:12.5px}
.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px;align-items:start}
.columns>div{min-width:0;overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--border);vertical-align:top}
th{background:var(--card);font-weight:600;position:sticky;top:0;z-index:1}
td code,th,.nowrap{white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:var(--stripe)}
.table-wrap{max-height:75vh;overflow:auto;border:1px solid var(--border);border-radius:6px}
.table-wrap table{margin:0}
th button{font:inherit;color:inherit;background:none;border:0;padding:0}
.scripted th button{cursor:pointer}
.scripted th button::after{content:" \\2195";color:var(--muted)}
th[aria-sort=ascending] button::after{content:" \\25B2";color:var(--fg)}
th[aria-sort=descending] button::after{content:" \\25BC";color:var(--fg)}
.controls{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:8px 0}
.controls[hidden]{display:none}
.controls input[type=search]{font:inherit;padding:4px 8px;min-width:280px;background:var(--bg);color:var(--fg);border:1px solid var(--border);border-radius:6px}
figure{margin:10px 0 18px}
figcaption{color:var(--muted);font-size:13px;margin-bottom:4px}
.timeline-wrap{overflow-x:auto}
.timeline-wrap svg.chart{min-width:700px}
svg.chart{display:block;width:100%;height:auto;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif}
svg .plot{fill:var(--plot);stroke:var(--border)}
svg .grid{stroke:var(--grid);stroke-width:1}
svg .axis{stroke:var(--muted);stroke-width:1}
svg .tick{fill:var(--muted);font-size:11px}
svg .count{fill:var(--fg);font-size:10px}
svg .stripe{fill:var(--stripe)}
svg .lane-label{fill:var(--fg);font-size:11px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
.scripted svg .lane-label{cursor:pointer}
.scripted svg .lane-label:hover,svg .lane-label:focus-visible{fill:var(--accent);text-decoration:underline}
svg .session{stroke:var(--bg);stroke-width:.5}
svg .marker{stroke:var(--bg);stroke-width:1}
svg .sev-error{fill:var(--bad)}svg .sev-warning{fill:var(--warn)}svg .sev-info{fill:var(--info)}
svg .restart{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:4 3}
svg .events{fill:var(--bar)}
svg .open-sessions{fill:var(--bar2)}
svg .qos1{fill:var(--bar)}svg .qos2{fill:var(--bar2)}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:6px 0;font-size:13px}
.chip{white-space:nowrap}
.chip::before{content:"";display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.chip.marker-legend::before{transform:rotate(45deg) scale(.8);background:var(--bad)}
.chip.marker-legend.sev-warning::before{background:var(--warn)}.chip.marker-legend.sev-info::before{background:var(--info)}
.chip.restart-legend::before{height:0;border-top:2px dashed var(--bad);border-radius:0;vertical-align:3px}
.sev{display:inline-block;font-size:11px;font-weight:600;text-transform:uppercase;padding:0 6px;border-radius:4px;color:var(--on-badge);vertical-align:1px}
.sev.error{background:var(--bad)}.sev.warning{background:var(--warn)}.sev.info{background:var(--info)}
.fails{color:var(--bad);font-weight:600}
.more{color:var(--muted);font-style:italic}
footer{margin-top:36px;color:var(--muted);font-size:12.5px;border-top:1px solid var(--border);padding-top:8px}
${endRules}
@media print{
:root{color-scheme:light;--bg:#fff;--fg:#000;--muted:#444;--border:#bbb;--card:#f3f3f3;--plot:#fff;--grid:#ddd;--stripe:#f6f6f6}
body{max-width:none;padding:0;font-size:11px}
.controls{display:none}
.table-wrap{max-height:none;overflow:visible;border:0}
.timeline-wrap,.columns>div{overflow:visible}
.timeline-wrap svg.chart{min-width:0}
th{position:static}
.scripted th:not([aria-sort]) button::after{content:none}
h2{break-after:avoid}
figure,tr,.card,.problem-group h3{break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`;

/**
 * The page's script: sorts and filters the sessions table, and a timeline lane's label (clicked,
 * or Enter or Space on it) filters the table to exactly that client (typed text matches any
 * part of a client id, ignoring case). It marks the page `scripted`, so the controls only look
 * clickable once they work. It reads its data with `JSON.parse` from the `application/json`
 * block and writes only through `textContent`, `value`, `hidden` and fixed attribute and class
 * values, never through HTML parsing, so log content cannot become markup.
 */
export const reportScript = `
(function () {
  'use strict';
  var source = document.getElementById('report-data');
  var table = document.getElementById('sessions-table');
  if (!source || !table || !table.tBodies[0]) return;
  document.documentElement.classList.add('scripted');
  var data = JSON.parse(source.textContent || '{}');
  var sessions = data.sessions || [];
  var lanes = data.lanes || [];
  var laneSessions = data.laneSessions || [];
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById('session-filter');
  var troubled = document.getElementById('session-troubled');
  var shown = document.getElementById('session-shown');
  var controls = document.getElementById('session-controls');
  var options = document.getElementById('session-clients');
  var keys = { client: 'c', start: 's', duration: 'd', end: 'e', messages: 'm' };
  var sort = { key: 'start', direction: 1 };
  // The client a lane click chose, matched whole; typing in the filter clears it.
  var laneClient = null;
  var laneIndex = -1;

  function rowData(row) { return sessions[Number(row.getAttribute('data-i'))] || {}; }

  function compare(a, b) {
    var field = keys[sort.key];
    var x = rowData(a)[field];
    var y = rowData(b)[field];
    var order;
    if (x === null || x === undefined) order = y === null || y === undefined ? 0 : 1;
    else if (y === null || y === undefined) order = -1;
    else if (typeof x === 'number' && typeof y === 'number') order = sort.direction * (x - y);
    else order = sort.direction * String(x).localeCompare(String(y));
    return order || Number(a.getAttribute('data-i')) - Number(b.getAttribute('data-i'));
  }

  function applySort() {
    rows.sort(compare);
    for (var i = 0; i < rows.length; i++) body.appendChild(rows[i]);
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    for (var j = 0; j < heads.length; j++) {
      var head = heads[j];
      if (!head.hasAttribute('data-sort')) continue;
      if (head.getAttribute('data-sort') === sort.key) head.setAttribute('aria-sort', sort.direction > 0 ? 'ascending' : 'descending');
      else head.removeAttribute('aria-sort');
    }
  }

  // Only a lane's label acts: a bar is clicked for its tooltip, not to leave for the table.
  function chooseLane(target) {
    var label = target instanceof Element ? target.closest('.lane-label') : null;
    var lane = label ? label.closest('[data-lane]') : null;
    if (!lane || !filter) return false;
    var client = lanes[Number(lane.getAttribute('data-lane'))];
    if (typeof client !== 'string') return false;
    filter.value = client;
    laneClient = client;
    laneIndex = Number(lane.getAttribute('data-lane'));
    applyFilter();
    table.scrollIntoView({ block: 'start' });
    return true;
  }

  function applyFilter() {
    var wanted = filter ? filter.value.trim().toLowerCase() : '';
    var onlyTroubled = troubled ? troubled.checked : false;
    var count = 0;
    var matched = 0;
    for (var i = 0; i < rows.length; i++) {
      var d = rowData(rows[i]);
      var client = String(d.c);
      var matches = laneClient !== null ? client === laneClient : !wanted || client.toLowerCase().indexOf(wanted) >= 0;
      var visible = matches && (!onlyTroubled || d.p === 1);
      rows[i].hidden = !visible;
      if (matches) matched++;
      if (visible) count++;
    }
    // A lane draws every session of its client; a capped table may list only some.
    var unlisted = laneClient !== null ? (laneSessions[laneIndex] || 0) - matched : 0;
    if (shown) shown.textContent = count + ' of ' + rows.length + ' listed session(s) shown' + (unlisted > 0 ? '; ' + unlisted + ' more sessions of this client are drawn in its lane but not listed' : '');
  }

  if (table.tHead) {
    table.tHead.addEventListener('click', function (event) {
      var button = event.target instanceof Element ? event.target.closest('button[data-key]') : null;
      if (!button) return;
      var key = button.getAttribute('data-key');
      sort = { key: key, direction: sort.key === key ? -sort.direction : 1 };
      applySort();
    });
  }
  if (filter) {
    filter.addEventListener('input', function () {
      laneClient = null;
      applyFilter();
    });
  }
  if (troubled) troubled.addEventListener('change', applyFilter);
  if (options) {
    var seen = new Set();
    for (var i = 0; i < sessions.length; i++) {
      if (seen.has(sessions[i].c)) continue;
      seen.add(sessions[i].c);
      var option = document.createElement('option');
      option.value = String(sessions[i].c);
      options.appendChild(option);
    }
  }
  var timeline = document.getElementById('timeline-chart');
  if (timeline && filter) {
    var labels = timeline.querySelectorAll('.lane-label');
    for (var k = 0; k < labels.length; k++) {
      labels[k].setAttribute('role', 'button');
      labels[k].setAttribute('tabindex', '0');
    }
    timeline.addEventListener('click', function (event) { chooseLane(event.target); });
    timeline.addEventListener('keydown', function (event) {
      if ((event.key === 'Enter' || event.key === ' ') && chooseLane(event.target)) event.preventDefault();
    });
  }
  if (controls) controls.hidden = false;
  applySort();
  applyFilter();
})();
`;
