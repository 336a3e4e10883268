/**
 * Text from accounting records is written by remote mail servers and by whoever injected the mail:
 * hostile. These functions make it inert for each place it is shown.
 */

// C0 and C1 controls and DEL (\p{Cc}: U+0000-001F, U+007F-009F), and the Unicode bidi
// overrides/isolates that can reorder a line.
const UNSAFE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/** For terminals: every control character (ESC above all) is shown as a visible \xNN / \uNNNN escape. */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * One CSV cell (RFC 4180 quoting). A cell a spreadsheet would take for a formula (starting with
 * = + - @, or a tab or CR) gets a leading apostrophe (OWASP "CSV injection"). `terminal`: the CSV
 * is shown on a terminal, so controls are escaped as in the table (terminalSafe); files and pipes
 * keep the exact bytes.
 */
export function csvCell(value: string | number | null, terminal = false): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let s = terminal ? terminalSafe(value) : value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * For Markdown table cells and list items after a fixed prefix: no pipes, no inline markup, no
 * HTML, no line breaks. Only the characters that can start inline markup are escaped (with `[`
 * and `]` escaped no link or image can form, so parentheses stay readable in plain-text mail).
 */
export function markdownSafe(s: string): string {
  return terminalSafe(s.replace(/\r?\n/g, ' ')).replace(/[\\`*_[\]|<>~]/g, (c) => `\\${c}`);
}

/** Characters that cannot be in an HTML text node or attribute value as they are. */
const HTML_SPECIAL = /[&<>"']/g;
const HTML_ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * For HTML text and quoted attribute values: markup characters as entities, controls and bidi
 * overrides as visible escapes (as in terminals), so record text can neither open an element nor
 * reorder the line it is on.
 */
export function htmlSafe(s: string): string {
  return terminalSafe(s).replace(HTML_SPECIAL, (c) => HTML_ENTITY[c]);
}

/**
 * An e-mail address: a local part (anything but spaces, `@` and the punctuation that delimits
 * addresses in SMTP replies) and a domain (dotted labels, or an address literal in brackets).
 * PowerMTA's `privacy-policy` writes local parts as `...`, a chosen string or a hex hash: all match.
 */
const ADDRESS = /[^\s@<>()[\]{},;:"'`|\\]+@((?:[\p{L}\p{N}_-]+\.)+[\p{L}\p{N}-]{2,}|\[[0-9A-Fa-f:.]+\])/gu;

/** Recipient addresses with the local part replaced by `...` (as privacy-policy redact writes them). */
export function redactAddresses(s: string): string {
  return s.includes('@') ? s.replace(ADDRESS, '...@$1') : s;
}

// In JSON text these can only appear inside strings; JSON.stringify leaves them raw.
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * For JSON output: DEL, the C1 controls (0x9b is a terminal's CSI), the line and paragraph
 * separators and the bidi overrides as \uNNNN escapes. Lossless (the JSON decodes to the same
 * strings), and `cat`-ing the output to a terminal stays safe.
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
