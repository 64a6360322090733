/**
 * What a rotated log's name says of it (`mosquitto.log.2.gz`, `mosquitto.log-20240102`): the log
 * it was rotated from and how many rotations ago, so rotated files can be put in order.
 */

/** A log file's name read as a rotation. */
export interface Rotation {
  /** The name of the log it was rotated from; the name itself when it is no rotation. */
  base: string;
  /** `log.2` is 2; the log itself and dated names 0. */
  number: number;
  /** A dated name's date (`log-20240102`); other names sort after any date. */
  date: string;
  /** Named `.gz`: compressed. */
  compressed: boolean;
}

const rotatedNumber = /^(.+)\.(\d{1,4})$/;
const rotatedDate = /^(.+)-(\d{8,10})$/;
const noDate = '\uffff';

export function rotationOf(name: string): Rotation {
  const compressed = name.endsWith('.gz');
  const plain = compressed ? name.slice(0, -3) : name;
  const n = rotatedNumber.exec(plain);
  if (n) return { base: n[1] ?? '', number: Number(n[2]), date: noDate, compressed };
  const d = rotatedDate.exec(plain);
  if (d) return { base: d[1] ?? '', number: 0, date: d[2] ?? '', compressed };
  return { base: plain, number: 0, date: noDate, compressed };
}

/** Whether the name is a rotation of a log (numbered or dated), not the log itself. */
export function isRotation(r: Rotation): boolean {
  return r.number > 0 || r.date !== noDate;
}

/** Orders rotations of one log oldest first: `log.2`, `log.1`, then `log-20240102`, `log-20240103`, then `log`. */
export function olderFirst(x: Rotation, y: Rotation): number {
  return y.number - x.number || (x.date < y.date ? -1 : x.date > y.date ? 1 : 0);
}
