/**
 * Writing log content into an HTML page. Client ids, usernames and topics come from remote
 * clients, so every such string goes through {@link htmlText} (element text and quoted
 * attribute values alike) and data for the page's script through {@link scriptJson}.
 */
import { toJsonText } from '../record-json.js';
import { defuseWorkflowCommands, shownControls } from '../text.js';

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for HTML element content or a quoted attribute value: control characters and bidi
 * controls made visible (as `safeText` does for terminals, so a right-to-left override cannot
 * reorder what follows it), then `&`, `<`, `>`, `"` and `'` written as references. A `:` or `#`
 * that would begin a workflow command, were the page printed in a CI step, is a reference too:
 * the browser shows it as it is.
 */
export function htmlText(text: string): string {
  return defuseWorkflowCommands(shownControls(text).replace(/[&<>"']/g, (c) => entities[c] ?? c), '&#58;', '&#35;');
}

/**
 * JSON for a `<script type="application/json">` block: {@link toJsonText} with `<`, `>` and `&`
 * as `\u` escapes, so no string in it can close the element (`</script>`) or open a comment
 * (`<!--`) that changes where the HTML parser thinks it ends. `JSON.parse` gives the same value.
 */
export function scriptJson(value: unknown): string {
  return toJsonText(value).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
