/**
 * The order lists are shown in: items in the order they start in the log, and findings by code,
 * each code's in the order of their time.
 */
import type { Finding, Flow, Session } from '../correlate/index.js';
import type { Where } from '../parse/index.js';

/**
 * Items in the order they start in the log. Line numbers only compare within a file, so files
 * are ranked in the order they were read (`files`, the correlation's), and files not among
 * those by the earliest time among their items (inputs are read in that order), then by first
 * appearance.
 */
export function inLogOrder<T>(items: readonly T[], startOf: (item: T) => { at: Where | undefined; time: number | null }, files: readonly string[] = []): T[] {
  const earliest = new Map<string, { time: number; seen: number }>();
  for (const item of items) {
    const { at, time } = startOf(item);
    const file = at?.file ?? '';
    const known = earliest.get(file);
    if (!known) earliest.set(file, { time: time ?? Number.POSITIVE_INFINITY, seen: earliest.size });
    else if (time !== null && time < known.time) known.time = time;
  }
  const read = (file: string): number => {
    const i = files.indexOf(file);
    return i < 0 ? files.length : i;
  };
  const rank = new Map([...earliest].sort(([x, a], [y, b]) => read(x) - read(y) || a.time - b.time || a.seen - b.seen).map(([file], i) => [file, i]));
  const key = (item: T): [number, number] => {
    const at = startOf(item).at;
    return [rank.get(at?.file ?? '') ?? 0, at?.line ?? 0];
  };
  return items.map((item) => ({ item, key: key(item) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1])
    .map(({ item }) => item);
}

/**
 * Sessions in the order they started (the correlator lists them as they end): by start time, and
 * in log order (`files` in the order read) where times are equal; those without a time after the timed ones.
 */
export function sessionsInStartOrder(sessions: readonly Session[], files: readonly string[] = []): Session[] {
  // A stable sort: equal times keep their log order.
  return inLogOrder(sessions, (s) => ({ at: s.startAt, time: s.start }), files)
    .sort((a, b) => (a.start ?? Number.POSITIVE_INFINITY) - (b.start ?? Number.POSITIVE_INFINITY));
}

/** Sessions in the order of their start lines in the log (`files` in the order read): as `sessions` lists them. */
export function sessionsInLogOrder(sessions: readonly Session[], files: readonly string[] = []): Session[] {
  return inLogOrder(sessions, (s) => ({ at: s.startAt, time: s.start }), files);
}

/** Flows in the order of their first step in the log (`files` in the order read): as `flows` lists them. */
export function flowsInLogOrder(flows: readonly Flow[], files: readonly string[] = []): Flow[] {
  return inLogOrder(flows, (f) => ({ at: f.steps[0]?.at, time: f.steps[0]?.time ?? null }), files);
}

/**
 * Findings by code (in the correlator's most-severe-first order), each group in the order of its
 * time column, and in log order where times are equal or some are not known. (A flow's finding
 * is timed by its PUBLISH but cites what gave it up first, which may come much later.)
 */
export function groupByCode(findings: readonly Finding[], files: readonly string[] = []): Map<Finding['code'], Finding[]> {
  const groups = new Map<Finding['code'], Finding[]>();
  for (const f of findings) {
    const list = groups.get(f.code);
    if (list) list.push(f);
    else groups.set(f.code, [f]);
  }
  for (const [code, list] of groups) {
    const ordered = inLogOrder(list, (f) => ({ at: f.at[0], time: f.time }), files);
    const timed = ordered.every((f) => f.time !== null);
    // A stable sort: equal times keep their log order.
    groups.set(code, timed ? ordered.sort((a, b) => (a.time ?? 0) - (b.time ?? 0)) : ordered);
  }
  return groups;
}

/** Findings by code, most severe first, each code's in time order (`files` in the order read): as `problems` lists them. */
export function findingsInOrder(findings: readonly Finding[], files: readonly string[] = []): Finding[] {
  return [...groupByCode(findings, files).values()].flat();
}
