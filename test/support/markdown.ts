/**
 * Reading Markdown the way GitHub does, for tests of mosqlog's Markdown: table cells, table rows,
 * and what is left outside code spans.
 */

/** Splits a table row into cells the way GFM does: `\\` pairs with the next character, a lone `|` splits. */
export function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  for (let i = 1; i < line.length - 1; i++) {
    const ch = line[i] as string;
    if (ch === '\\') {
      cell += ch + (line[i + 1] ?? '');
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

/** Markdown with every code span removed: what GitHub would render as markup. */
export function outsideCodeSpans(markdown: string): string {
  return markdown.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
}

/** Pipes in a Markdown line that are not escaped by a backslash. */
export function countUnescapedPipes(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') count++;
  }
  return count;
}
