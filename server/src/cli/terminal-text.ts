// Text on its way to a terminal: one line per message.

// Every run of white space that holds a line break becomes one space, so a message stays on its
// line. Runs are found with /\s+/g, which is linear; the former /\s*[\r\n]+\s*/g rescanned a
// long run of blanks from each of its positions (issue 15).
export function oneLine(text: string): string {
  return text.replace(/\s+/g, (run) => (run.includes('\n') || run.includes('\r') ? ' ' : run));
}
