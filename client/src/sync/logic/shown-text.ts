// Text from a server or a cloned repository on its way into a notification or a dialog. VS Code
// turns `[label](command:…)` in a notification into a link that runs the command, so such text
// could plant a button; control and bidirectional-override characters could hide or reorder
// what the user reads. Each is made visible and inert, and a runaway text is cut short.
// No VS Code API here: tested with node:test (test/client/).

/** C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings and isolates. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The longest text a dialog shows from one source. */
export const MAX_SHOWN = 2000;

export function shownText(text: string, max = MAX_SHOWN): string {
  const visible = text
    .replace(HIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    // `](` is where a link's target starts: with a blank in between no link is made.
    .split('](')
    .join('] (');
  return visible.length > max ? `${visible.slice(0, max)}… (cut)` : visible;
}
