/**
 * Writing text into XML 1.0 so that any log content gives a well-formed document.
 */
import { defuseWorkflowCommands } from '../text.js';

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// With the `u` flag a lone surrogate is one code point outside every allowed range.
const forbidden = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes the characters XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE/U+FFFF). */
export function dropXmlForbidden(text: string): string {
  return text.replace(forbidden, '');
}

/**
 * Text for element content: forbidden characters dropped, `&`, `<`, `>` escaped, and no workflow
 * command of a GitHub Actions runner left in it for a step that prints the XML (see {@link defuseWorkflowCommands}).
 */
export function xmlText(text: string): string {
  const escaped = dropXmlForbidden(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return defuseWorkflowCommands(escaped, '&#58;', '&#35;');
}

/**
 * Text for a double-quoted attribute value: as {@link xmlText}, plus `"` and `'`, and tab, CR
 * and LF as character references so attribute-value normalisation keeps them.
 */
export function xmlAttribute(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
