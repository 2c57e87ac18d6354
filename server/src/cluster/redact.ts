// Secrets never reach a message or a log (issue 15): a server may echo the token back in an
// error, so every "PVEAPIToken=…" value and every secret the client holds is replaced before a
// message leaves the client.

const REDACTED = '[redacted]';

/** `text` without any PVEAPIToken= value (the header's whole USER@REALM!ID=SECRET). */
export function redactTokenHeaders(text: string): string {
  // Without an "=" there is no value to take out: a check's report of a 10,000-rule file (2 MB,
  // printed through here) usually has none, and the case-blind search cost 20 ms.
  if (!text.includes('=')) return text;
  return text.replace(/PVEAPIToken=[^\s'",;]+/gi, `PVEAPIToken=${REDACTED}`);
}

/** `text` with each of `secrets` (and any PVEAPIToken= value) replaced. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = redactTokenHeaders(text);
  // Longest first, so a whole token goes before the secret inside it.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  return out;
}

/** The secrets a token holds: the whole token and the part after "=". */
export function tokenSecrets(token: string): string[] {
  const eq = token.indexOf('=');
  return eq === -1 ? [token] : [token, token.slice(eq + 1)];
}
