/**
 * What the user is told on stderr (or the dashboard's status line) about the followed file.
 */
import { safeText } from '../../report/index.js';
import type { TailNotice } from './tailer.js';

/**
 * True for notices after which reading goes on in another file, or from the start again. A file
 * that appears is one too when it replaces one that went away (the caller knows).
 */
export function isSwitch(notice: TailNotice): boolean {
  return notice.code === 'rotated' || notice.code === 'rotated-between' || notice.code === 'truncated';
}

/** One sentence for a notice, without a trailing newline. */
export function describeNotice(notice: TailNotice): string {
  const path = safeText(notice.path);
  switch (notice.code) {
    case 'waiting': return `${path} does not exist (yet); waiting for it to appear`;
    case 'appeared': return `${path} appeared; following it from its start`;
    case 'deleted': return `${path} is gone (deleted or renamed); reading what is left of the old file and waiting for a new one`;
    case 'rotated': return `${path} was rotated; finished the old file, following the new one from its start`;
    case 'rotated-between': return `${path} was rotated again before the old file was read; reading ${safeText(notice.file)}, rotated in between, first`;
    case 'truncated':
      if (notice.copy === null) return `${path} was truncated, and no copy of it was found beside it: lines written just before, if any, are missed here; following it from its start`;
      return notice.recoveredBytes === 0
        ? `${path} was truncated (copytruncate to ${safeText(notice.copy)}, which holds no line past those read; any written between the copy and the truncation are lost to both); following it from its start`
        : `${path} was truncated (copytruncate); read ${notice.recoveredBytes} missed byte(s) from ${safeText(notice.copy)} (any written between the copy and the truncation are lost to both), following it from its start`;
    case 'compressed-skipped': return `${path} was rotated while follow was behind, and ${safeText(notice.file)} was compressed before it was read: its lines are missed here (give it to another mosqlog command)`;
    case 'unreadable': return `${path} cannot be read (${safeText(notice.reason)}); still trying`;
  }
}
