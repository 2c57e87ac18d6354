// V8 makes a slice of 13 or more characters a view into the string it was cut from, which then
// stays alive as long as the slice does. A piece of one file text kept past that text's life
// (a line a later parse reuses, a cache key, a shared word) would keep the whole text: after a
// few hundred keystrokes, hundreds of megabytes of old texts. Such pieces are copied first.

/** `text` as a string of its own, never a view into a larger one. */
export function detached(text: string): string {
  // Joining forces a copy of the characters; slicing the copy keeps only the copy alive.
  return text.length < 13 ? text : ` ${text}`.slice(1);
}
