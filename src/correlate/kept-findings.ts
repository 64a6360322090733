/**
 * The findings a correlation keeps for listing: up to a cap per code, of those a selection
 * lists. Every finding is counted elsewhere; these are the ones shown.
 */
import type { Finding, FindingCode } from './types.js';

/** One code's findings: in order, or, once the cap is reached when the latest are kept, a ring. */
interface Kept {
  items: Finding[];
  /** Where the oldest of a full ring is, and so the next one to give way. */
  oldest: number;
}

/** Keeps the first `cap` findings of each code that `wanted` accepts, or the latest `cap`. */
export class KeptFindings {
  private readonly byCode = new Map<FindingCode, Kept>();

  constructor(
    private readonly cap: number,
    private readonly wanted: (finding: Finding) => boolean = () => true,
    private readonly latest = false,
  ) {}

  add(finding: Finding): void {
    if (this.cap === 0 || !this.wanted(finding)) return;
    let kept = this.byCode.get(finding.code);
    if (!kept) this.byCode.set(finding.code, (kept = { items: [], oldest: 0 }));
    if (kept.items.length < this.cap) {
      kept.items.push(finding);
    } else if (this.latest) {
      kept.items[kept.oldest] = finding;
      kept.oldest = (kept.oldest + 1) % this.cap;
    }
  }

  /** Every finding kept, each code's in the order they arose. */
  all(): Finding[] {
    const all: Finding[] = [];
    for (const { items, oldest } of this.byCode.values()) all.push(...items.slice(oldest), ...items.slice(0, oldest));
    return all;
  }
}
