// Text on its way to a terminal: one line per message, and no control character a terminal
// could act on (issue 15). A file or a server can put ESC sequences into what pvefw prints (a
// port, a comment, a file name): printed raw they retitle, clear or rewrite the user's
// terminal. The API token never reaches the output either.
import { redact, tokenSecrets } from '../cluster/redact';
import type { CliIo } from './io';

// Every run of white space that holds a line break becomes one space, so a message stays on its
// line. Runs are found with /\s+/g, which is linear; the former /\s*[\r\n]+\s*/g rescanned a
// long run of blanks from each of its positions (issue 15).
export function oneLine(text: string): string {
  // Most messages hold no line break: nothing to look for (a whole-folder check prints tens of
  // thousands).
  if (!text.includes('\n') && !text.includes('\r')) return text;
  return text.replace(/\s+/g, (run) => (run.includes('\n') || run.includes('\r') ? ' ' : run));
}

/** C0 controls but tab and newline, DEL, and the C1 controls (ESC's 8-bit forms among them). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function hex(char: string): string {
  return char.charCodeAt(0).toString(16).padStart(2, '0');
}

/** Each control character as `\xHH`: visible, and inert on any terminal. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (char) => `\\x${hex(char)}`);
}

/** JSON for a terminal: JSON.stringify leaves DEL and the C1 controls raw; they become \u00HH. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(CONTROL, (char) => `\\u00${hex(char)}`)}\n`;
}

/** The same streams, with control characters escaped and the token taken out of everything. */
export function terminalIo(io: CliIo): CliIo {
  const token = io.env['PVEFW_TOKEN']?.trim();
  const secrets = token ? tokenSecrets(token) : [];
  const clean = (text: string): string => escapeControls(redact(text, secrets));
  return { ...io, out: (text) => io.out(clean(text)), err: (text) => io.err(clean(text)) };
}
