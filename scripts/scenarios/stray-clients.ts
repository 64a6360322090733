/**
 * Every client connection or client process a driver opens registers a way to force it closed
 * here, and unregisters when it ends normally. A scenario that fails half-way leaves entries
 * behind; the test or capture then calls {@link closeStrayClients} so no socket or
 * mosquitto_sub (which would retry forever) outlives it.
 */
const closers = new Set<() => void>();

// Last line of defence for client processes: kill them when the driving process exits.
process.once('exit', () => {
  closeStrayClients();
});

/** Registers `close`; returns the function that unregisters it. */
export function trackClient(close: () => void): () => void {
  closers.add(close);
  return () => {
    closers.delete(close);
  };
}

/** Force-closes whatever is still registered and returns how many there were. */
export function closeStrayClients(): number {
  const stray = [...closers];
  closers.clear();
  for (const close of stray) close();
  return stray.length;
}
