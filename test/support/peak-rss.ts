/**
 * Loaded into a mosqlog child with `node --import`: when the process exits, its peak resident set
 * size (kilobytes, from getrusage) is written to the file named by MOSQLOG_PEAK_RSS_FILE. Portable
 * where GNU time is not installed.
 */
import { writeFileSync } from 'node:fs';

const out = process.env['MOSQLOG_PEAK_RSS_FILE'];
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
