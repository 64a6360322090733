/**
 * What a rotated log's name says of it (`mosquitto.log.2.gz`, `mosquitto.log-20240102`): the log
 * it was rotated from and how many rotations ago, so rotated files can be put in order.
 */

/** A log file's name read as a rotation. */
export interface Rotation {
  /** The name of the log it was rotated from; the name itself when it is no rotation. */
  base: string;
  /** Whether the name is a rotation of a log (numbered or dated), not the log itself. */
  rotated: boolean;
  /** `log.2` is 2, savelog's newest `log.0` 0; the log itself and dated names 0. */
  number: number;
  /** A dated name's date (`log-20240102`, `log-2024-01-02`, `log-20240102-1704153600`); other names sort after any date. */
  date: string;
  /** Named `.gz`: compressed. */
  compressed: boolean;
}

const rotatedNumber = /^(.+)\.(\d{1,4})$/;
// logrotate's `dateext`, with its default `-%Y%m%d`, `-%Y-%m-%d`, `-%s` or `-%Y%m%d-%s` (hourly: `-%Y%m%d%H`).
const rotatedDate = /^(.+?)-(\d{8,10}|\d{4}-\d{2}-\d{2}(?:-\d{2})?|\d{8}-\d+)$/;
const noDate = '\uffff';

/** Reads a file name (without its directory) as a rotation; a name that is none is the log itself. */
export function rotationOf(name: string): Rotation {
  const compressed = name.endsWith('.gz');
  const plain = compressed ? name.slice(0, -3) : name;
  const n = rotatedNumber.exec(plain);
  if (n) return { base: n[1] ?? '', rotated: true, number: Number(n[2]), date: noDate, compressed };
  const d = rotatedDate.exec(plain);
  if (d) return { base: d[1] ?? '', rotated: true, number: 0, date: d[2] ?? '', compressed };
  return { base: plain, rotated: false, number: 0, date: noDate, compressed };
}

/** Whether the name is a rotation of a log (numbered or dated), not the log itself. */
export function isRotation(r: Rotation): boolean {
  return r.rotated;
}

/**
 * Orders rotations of one log oldest first: `log.2`, `log.1`, `log.0`, then `log-20240102`,
 * `log-20240103`, then `log`.
 */
export function olderFirst(x: Rotation, y: Rotation): number {
  return y.number - x.number || (x.date < y.date ? -1 : x.date > y.date ? 1 : 0) || Number(y.rotated) - Number(x.rotated);
}
