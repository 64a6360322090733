/**
 * What one line said that the next few records may need (the end of the connection it was
 * about, which follows it closely): kept up to a given record, then forgotten.
 */
export class Remembered<T> {
  private value: T | null = null;
  private until = 0;

  /** Keeps `value` up to record `until` (the correlator counts the records it reads). */
  keep(value: T, until: number): void {
    this.value = value;
    this.until = until;
  }

  /** The value, if it is still kept at record `now`. */
  at(now: number): T | null {
    return this.value !== null && this.until >= now ? this.value : null;
  }

  /** {@link at}, forgetting the value. */
  take(now: number): T | null {
    const value = this.at(now);
    this.value = null;
    return value;
  }

  forget(): void {
    this.value = null;
  }
}
