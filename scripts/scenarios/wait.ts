/** Resolves after `ms` milliseconds. Drivers use it only where the protocol gives nothing to wait on. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `condition` every 10 ms until it holds; rejects with `what` after `timeoutMs`.
 * Used to wait for something a client observes (a count of acks, a message) without fixed sleeps.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
