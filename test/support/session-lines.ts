/**
 * Log lines of a short session, for tests of how sessions end: a connection, its client, and
 * the line that ends it.
 */

/** A session of `client` from 10.0.0.1 at `t` (epoch seconds), ended by `end`, in which `%s` stands for the client. */
export function endedSession(t: number, client: string, end: string): string[] {
  return [
    `${t}: New connection from 10.0.0.1:10000 on port 1883.`,
    `${t}: New client connected from 10.0.0.1:10000 as ${client} (p2, c1, k60).`,
    `${t}: ${end.replace('%s', client)}`,
  ];
}
