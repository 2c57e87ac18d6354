// Shared inputs and expectations of the LSP tests (the parser behaviour they rely on is the
// core's contract: see server/src/core/index.ts).
import type { Diagnostic, Range } from 'vscode-languageserver/node';

/** Two blanks between `-p` and its value: Proxmox drops the line. */
export const UNPARSABLE_RULE = '[RULES]\nIN ACCEPT -p  tcp\n';

/** A reference to an ipset nobody defines. */
export const UNDEFINED_IPSET = '[RULES]\nIN ACCEPT -source +nope\n';
/** `+nope` on line 1 (0-based), characters 18..23. */
export const UNDEFINED_IPSET_RANGE: Range = {
  start: { line: 1, character: 18 },
  end: { line: 1, character: 23 },
};

export const VALID_CLUSTER = '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 22\n';

export const GUEST_USING_WEB = '[RULES]\nIN ACCEPT -source +web\n';
/** `+web` on line 1, characters 18..22. */
export const WEB_REFERENCE_RANGE: Range = {
  start: { line: 1, character: 18 },
  end: { line: 1, character: 22 },
};
export const CLUSTER_WITHOUT_WEB = '[OPTIONS]\nenable: 1\n';
export const CLUSTER_WITH_WEB = '[OPTIONS]\nenable: 1\n\n[IPSET web]\n10.0.0.0/8\n';

/** The parts of a diagnostic the tests compare: code, severity, source, range. */
export function summary(diagnostic: Diagnostic): {
  code: unknown;
  severity: unknown;
  source: unknown;
  range: Range;
} {
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    source: diagnostic.source,
    range: diagnostic.range,
  };
}

export function codes(diagnostics: readonly Diagnostic[]): unknown[] {
  return diagnostics.map((d) => d.code);
}
