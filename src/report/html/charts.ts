/**
 * Inline SVG charts: bars over a shared time axis, and the latency histogram. Colours come
 * from CSS classes, so the page's light, dark and print styles apply to them.
 */
import { htmlText } from './escape.js';
import { count } from './markup.js';
import type { LatencyClass, TimeBucket } from './series.js';
import type { TimeAxis } from './time-axis.js';

/** Width of every chart's viewBox; charts scale to the page width. */
export const chartWidth = 1000;

/** A number for an SVG attribute: at most one decimal. */
export function svgNumber(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** Opens an SVG with an accessible name; the caller closes it. */
export function openSvg(height: number, label: string, className: string): string {
  return `<svg class="${className}" viewBox="0 0 ${chartWidth} ${svgNumber(height)}" role="img" aria-label="${htmlText(label)}" preserveAspectRatio="xMinYMin meet">`;
}

/** Where a tick label hangs: centred, or ending at the tick when it would run past the axis. */
export function tickAnchor(axis: TimeAxis, time: number): 'middle' | 'end' {
  return axis.x(time) > axis.left + axis.width - 28 ? 'end' : 'middle';
}

/** Vertical grid lines at the axis ticks from `top` to `bottom`, labels under `bottom`. */
export function renderTimeTicks(axis: TimeAxis, top: number, bottom: number, labels = true): string {
  const out: string[] = [];
  for (const tick of axis.ticks) {
    const x = svgNumber(axis.x(tick.time));
    out.push(`<line class="grid" x1="${x}" x2="${x}" y1="${svgNumber(top)}" y2="${svgNumber(bottom)}"/>`);
    if (labels) out.push(`<text class="tick" x="${x}" y="${svgNumber(bottom + 14)}" text-anchor="${tickAnchor(axis, tick.time)}">${htmlText(tick.label)}</text>`);
  }
  return out.join('');
}

/** What a bar chart over time shows. */
export interface TimeBarsSpec {
  label: string;
  buckets: readonly TimeBucket[];
  axis: TimeAxis;
  /** CSS class of the bars. */
  barClass: string;
  /** Tooltip of one bar (raw text; escaped here). */
  describe: (bucket: TimeBucket) => string;
  height?: number;
}

/** Bars over the time axis, one per non-empty bucket, clipped to the axis, scaled to the peak. */
export function renderTimeBars(spec: TimeBarsSpec): string {
  const { axis, buckets } = spec;
  const height = spec.height ?? 150;
  const top = 8;
  const bottom = height - 20;
  const peak = Math.max(1, ...buckets.map((b) => b.value));
  const y = (v: number): number => bottom - (v / peak) * (bottom - top);
  const right = axis.left + axis.width;
  const out = [openSvg(height, spec.label, 'chart time-bars')];
  out.push(`<rect class="plot" x="${axis.left}" y="${top}" width="${axis.width}" height="${bottom - top}"/>`);
  out.push(renderTimeTicks(axis, top, bottom));
  for (const v of new Set([peak, Math.round(peak / 2)])) {
    if (v <= 0) continue;
    out.push(`<line class="grid" x1="${axis.left}" x2="${right}" y1="${svgNumber(y(v))}" y2="${svgNumber(y(v))}"/>`);
    out.push(`<text class="tick" x="${axis.left - 6}" y="${svgNumber(y(v) + 4)}" text-anchor="end">${count(v)}</text>`);
  }
  out.push(`<text class="tick" x="${axis.left - 6}" y="${bottom + 4}" text-anchor="end">0</text>`);
  for (const b of buckets) {
    if (b.value <= 0) continue;
    const x0 = Math.max(axis.left, axis.x(b.start));
    const x1 = Math.min(right, axis.x(b.end));
    if (x1 <= x0) continue;
    const yv = y(b.value);
    out.push(`<rect class="${spec.barClass}" x="${svgNumber(x0)}" y="${svgNumber(yv)}" width="${svgNumber(Math.max(0.8, x1 - x0 - 0.4))}" height="${svgNumber(bottom - yv)}"><title>${htmlText(spec.describe(b))}</title></rect>`);
  }
  out.push(`<line class="axis" x1="${axis.left}" x2="${right}" y1="${bottom}" y2="${bottom}"/>`);
  out.push('</svg>');
  return out.join('');
}

/**
 * Grouped bars, QoS 1 beside QoS 2, one group per latency class, on a log scale (one slow flow
 * among a million fast ones still shows); each bar carries its count.
 */
export function renderLatencyHistogram(classes: readonly LatencyClass[]): string {
  const height = 190;
  const left = 60;
  const width = chartWidth - left - 20;
  const top = 18;
  const bottom = height - 36;
  const peak = Math.max(1, ...classes.map((c) => Math.max(c.qos1, c.qos2)));
  const scale = (v: number): number => (v <= 0 ? 0 : (Math.log10(1 + v) / Math.log10(1 + peak)) * (bottom - top));
  const group = width / Math.max(1, classes.length);
  const bar = Math.min(36, group * 0.35);
  const out = [openSvg(height, 'QoS flow latency distribution, QoS 1 and QoS 2 flows per latency class (log scale)', 'chart latency')];
  out.push(`<rect class="plot" x="${left}" y="${top}" width="${width}" height="${bottom - top}"/>`);
  for (const v of [1, 10, 100, 1000, 10_000, 100_000, 1_000_000]) {
    if (v > peak) break;
    const yv = bottom - scale(v);
    out.push(`<line class="grid" x1="${left}" x2="${left + width}" y1="${svgNumber(yv)}" y2="${svgNumber(yv)}"/>`);
    out.push(`<text class="tick" x="${left - 6}" y="${svgNumber(yv + 4)}" text-anchor="end">${v >= 1000 ? `${v / 1000}k` : v}</text>`);
  }
  for (const [i, c] of classes.entries()) {
    const center = left + group * i + group / 2;
    const label = c.label;
    for (const [k, qos] of (['qos1', 'qos2'] as const).entries()) {
      const value = c[qos];
      const x = center + (k === 0 ? -bar - 1 : 1);
      const h = scale(value);
      if (value > 0) {
        out.push(`<rect class="bar ${qos}" x="${svgNumber(x)}" y="${svgNumber(bottom - h)}" width="${svgNumber(bar)}" height="${svgNumber(h)}"><title>${htmlText(`${label}: ${count(value)} QoS ${k + 1} flow(s)`)}</title></rect>`);
      }
      if (value > 0) out.push(`<text class="count" x="${svgNumber(x + bar / 2)}" y="${svgNumber(bottom - h - 4)}" text-anchor="middle">${count(value)}</text>`);
    }
    out.push(`<text class="tick" x="${svgNumber(center)}" y="${bottom + 16}" text-anchor="middle">${htmlText(label)}</text>`);
  }
  out.push(`<line class="axis" x1="${left}" x2="${left + width}" y1="${bottom}" y2="${bottom}"/>`);
  out.push(`<rect class="swatch qos1" x="${left}" y="${height - 14}" width="10" height="10"/><text class="tick" x="${left + 14}" y="${height - 5}">QoS 1</text>`);
  out.push(`<rect class="swatch qos2" x="${left + 70}" y="${height - 14}" width="10" height="10"/><text class="tick" x="${left + 84}" y="${height - 5}">QoS 2</text>`);
  out.push('</svg>');
  return out.join('');
}
