/**
 * Reading GitHub Actions workflow commands (`::error file=…::message`) the way the runner does.
 */

/** One workflow command, its properties and message unescaped. */
export interface Annotation {
  kind: string;
  properties: Record<string, string>;
  message: string;
}

/** Undoes the runner's `%XX` escapes. */
export const unescape = (text: string): string => text.replace(/%(25|0D|0A|3A|2C)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** Reads `::kind k=v,k=v::message` lines the way the runner does; other lines are returned apart. */
export function parseCommands(stdout: string): { annotations: Annotation[]; other: string[] } {
  const annotations: Annotation[] = [];
  const other: string[] = [];
  for (const line of stdout.split('\n').filter(Boolean)) {
    const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) {
      other.push(line);
      continue;
    }
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
    }
    annotations.push({ kind: m[1] ?? '', properties, message: unescape(m[3] ?? '') });
  }
  return { annotations, other };
}
