/**
 * Reading Markdown the way GitHub (cmark-gfm) does, for tests of mosqlog's Markdown: table
 * cells, table rows, code spans, and what is left outside code spans.
 */

/**
 * Splits a table row into cells the way cmark-gfm does: a `|` directly after a `\` stays in the
 * cell, with that one `\` removed; any other `|` splits. Other backslashes are kept for the
 * inline parser.
 */
export function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  for (let i = 1; i < line.length - 1; i++) {
    const ch = line[i] as string;
    if (ch === '\\' && line[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (ch === '|') {
      out.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

/** Table rows (not the head or rule) split into cells. */
export function tableRows(markdown: string): string[][] {
  return markdown.split('\n')
    .filter((line) => line.startsWith('| ') && !/^\|[-:| ]+\|$/.test(line))
    .map(cells);
}

/**
 * The text of a cell that is one code span, as GFM shows it: backslashes literal, one space
 * stripped from each end when both ends have one and the text is not all spaces; `null` when the
 * cell is not exactly one code span.
 */
export function codeSpanText(cell: string): string | null {
  const match = /^(`+)(?!`)([\s\S]*?)(?<!`)\1$/.exec(cell);
  if (!match) return null;
  const fence = match[1] as string;
  const body = match[2] as string;
  if ((body.match(/`+/g) ?? []).some((run) => run.length === fence.length)) return null;
  return /^ [\s\S]* $/.test(body) && /[^ ]/.test(body) ? body.slice(1, -1) : body;
}

/**
 * Markdown with every code span removed: what GitHub would render as markup. As in CommonMark,
 * a backslash-escaped backtick opens no span, a run of backticks is closed only by a run of the
 * same length, and an unclosed run is plain text. mosqlog writes each span on one line, so a
 * span is looked for within its line.
 */
export function outsideCodeSpans(markdown: string): string {
  return markdown.split('\n').map((line) => {
    let out = '';
    let i = 0;
    while (i < line.length) {
      const ch = line[i] as string;
      if (ch === '\\') {
        out += line.slice(i, i + 2);
        i += 2;
      } else if (ch === '`') {
        const run = /^`+/.exec(line.slice(i))?.[0] ?? '`';
        const closing = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
        closing.lastIndex = i + run.length;
        const close = closing.exec(line);
        if (close) i = close.index + run.length;
        else {
          out += run;
          i += run.length;
        }
      } else {
        out += ch;
        i++;
      }
    }
    return out;
  }).join('\n');
}

/** Pipes in a Markdown table line that split cells: those not directly after a `\`. */
export function countUnescapedPipes(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '|' && line[i - 1] !== '\\') count++;
  }
  return count;
}
