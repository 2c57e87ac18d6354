// Lines built to hurt a parser: a long run of one character between the pieces a pattern looks
// for, in every section and at every place of a rule where pvefw reads text with a regular
// expression. A backtracking or rescanning pattern turns such a line quadratic (a 100 KB line took
// 42 s); linear code reads it in milliseconds. `runEditorQueries` asks everything the editor and
// `pvefw check` ask of a file.
import {
  checkFile,
  codeActionsAt,
  completionsAt,
  documentSymbols,
  fileKindFromPath,
  foldingSpans,
  formatEdits,
  hoverAt,
  normaliseFile,
  semanticTokens,
  buildWorkspaceModel,
} from '../../server/src/core';

export interface HostileShape {
  readonly name: string;
  /** The file the line sits in (its kind decides what is allowed). */
  readonly path: string;
  /** The whole file for a run of `n` characters. */
  text(n: number): string;
}

const RUNS: readonly [string, string][] = [
  ['blanks', ' '],
  ['tabs', '\t'],
  ['letters', 'x'],
  ['dashes', '-'],
  ['hashes', '#'],
  ['commas', ','],
  ['colons', ':'],
  ['parens', '('],
  ['pluses', '+'],
  ['slashes', '/'],
  ['bars', '|'],
  ['bangs', '!'],
  ['brackets', '['],
];

/** Places in a file where a run goes: text before it and after it. */
const PLACES: readonly [string, string, string, string][] = [
  // name, path, before, after (the section header is added below)
  ['rule-start', 'firewall/cluster.fw', '[RULES]\n', ' x'],
  ['disabled-rule', 'firewall/cluster.fw', '[RULES]\n|', 'x'],
  ['after-direction', 'firewall/cluster.fw', '[RULES]\nIN', 'ACCEPT -p tcp'],
  ['after-action', 'firewall/cluster.fw', '[RULES]\nIN ACCEPT', '-x'],
  ['after-flag', 'firewall/cluster.fw', '[RULES]\nIN ACCEPT -p', 'x'],
  ['after-value', 'firewall/cluster.fw', '[RULES]\nIN ACCEPT -dport 22', 'x'],
  ['in-value', 'firewall/cluster.fw', '[RULES]\nIN ACCEPT -source 10.0.0.1', ' y'],
  ['in-port', 'firewall/cluster.fw', '[RULES]\nIN ACCEPT -p tcp -dport 2', ' y'],
  ['macro', 'firewall/cluster.fw', '[RULES]\nIN SSH', ' y'],
  ['comment', 'firewall/cluster.fw', '[RULES]\nIN ACCEPT # a', 'b'],
  ['before-comment', 'firewall/cluster.fw', '[RULES]\nIN ACCEPT -p tcp', '# b'],
  ['group-rule', 'firewall/cluster.fw', '[group g1]\nIN ACCEPT -i net0', 'x'],
  ['guest-rule', 'firewall/100.fw', '[RULES]\nIN ACCEPT -i', 'net0 x'],
  ['option', 'firewall/cluster.fw', '[OPTIONS]\nenable:', 'x'],
  ['option-value', 'firewall/cluster.fw', '[OPTIONS]\nlog_ratelimit: enable=1', 'x'],
  ['alias', 'firewall/cluster.fw', '[ALIASES]\ngw', '10.0.0.1 x'],
  ['alias-value', 'firewall/cluster.fw', '[ALIASES]\ngw 10.0.0.1', 'x'],
  ['ipset-entry', 'firewall/cluster.fw', '[IPSET web]\n!', '10.0.0.1 x'],
  ['ipset-comment', 'firewall/cluster.fw', '[IPSET web]\n10.0.0.1 #', 'c'],
  ['ipset-header', 'firewall/cluster.fw', '[IPSET', 'web] # c'],
  ['group-header', 'firewall/cluster.fw', '[group g1]', '# c'],
  ['no-section', 'firewall/cluster.fw', '', 'x'],
  ['host-option', 'nodes/pve1/host.fw', '[OPTIONS]\nnf_conntrack_helpers:', 'ftp x'],
];

/** Every place with every run, plus the two lines issue 15 measured. */
export const HOSTILE_SHAPES: readonly HostileShape[] = [
  {
    name: 'issue 15: | + blanks + x',
    path: 'firewall/cluster.fw',
    text: (n) => `[RULES]\n|${' '.repeat(n)}x\n`,
  },
  {
    name: 'issue 15: IN ACCEPT # a + blanks + b',
    path: 'firewall/cluster.fw',
    text: (n) => `[RULES]\nIN ACCEPT # a${' '.repeat(n)}b\n`,
  },
  ...PLACES.flatMap(([place, path, before, after]) =>
    RUNS.map(([run, char]): HostileShape => ({
      name: `${place}: ${run}`,
      path,
      text: (n) => `${before}${char.repeat(n)}${after}\n`,
    })),
  ),
];

/** Everything the editor and `pvefw check` ask about a file, at the places a cursor may be. */
export function runEditorQueries(shape: HostileShape, text: string): void {
  const kind = fileKindFromPath(shape.path)!;
  const findings = checkFile({ path: shape.path, text }, kind);
  const ws = buildWorkspaceModel([{ id: shape.path, path: shape.path, kind, text }]);
  const lastLine = text.lastIndexOf('\n', text.length - 2) + 1;
  const offsets = [
    lastLine,
    lastLine + 1,
    (lastLine + text.length) >> 1,
    text.length - 2,
    text.length - 1,
  ];
  for (const offset of offsets) {
    completionsAt(ws, shape.path, offset);
    hoverAt(ws, shape.path, offset);
    codeActionsAt(ws, shape.path, { start: offset, end: offset }, findings);
  }
  codeActionsAt(ws, shape.path, { start: 0, end: text.length }, findings);
  const file = ws.file(shape.path)!;
  formatEdits(file.parsed);
  semanticTokens(file.parsed);
  documentSymbols(file.parsed);
  foldingSpans(file.parsed.tree);
  normaliseFile(file);
}
