// What proxmox-firewall makes of each line of a cluster's files, node by node: the nftables
// rules it generates from the line (table, chain, matches and statement, as nft writes them), or
// that it skips the rule, or that the node's whole update fails on it. For the editor's hover on
// a rule line of a file that nodes on proxmox-firewall read.
import type { ClusterModel } from '../model';
import { matchText, statementText } from './nft-text';
import { buildNodeRuleset } from './ruleset';

/** What one node makes of one line. */
export interface LineOutcome {
  /** `inet cluster-in: meta l4proto { tcp } th dport { 22 } accept`, one per nft rule. */
  readonly rules: string[];
  /** proxmox-firewall's reason to skip the rule. */
  skipped?: string;
  /** Why the node's whole update fails on this line. */
  fails?: string;
}

/** Per file path, 1-based line and node, what the nodes on proxmox-firewall make of it. */
export type NftLines = Map<string, Map<number, Map<string, LineOutcome>>>;

export function nftLinesOf(model: ClusterModel): NftLines {
  const out: NftLines = new Map();
  const at = (path: string, line: number, node: string): LineOutcome => {
    let lines = out.get(path);
    if (!lines) out.set(path, (lines = new Map<number, Map<string, LineOutcome>>()));
    let nodes = lines.get(line);
    if (!nodes) lines.set(line, (nodes = new Map<string, LineOutcome>()));
    let outcome = nodes.get(node);
    if (!outcome) nodes.set(node, (outcome = { rules: [] }));
    return outcome;
  };
  for (const node of model.nodes) {
    if (node.backend !== 'proxmox-firewall') continue;
    const built = buildNodeRuleset(model, node);
    const r = built.ruleset;
    if (r.state === 'stale' && r.cause === 'update' && r.path !== undefined)
      at(r.path, r.lineNumber ?? 1, node.name).fails = r.message;
    for (const s of built.skipped)
      at(s.origin.path, s.origin.lineNumber, node.name).skipped = s.message.replace(
        /^skipping rule: /,
        '',
      );
    if (r.state !== 'active') continue;
    for (const c of r.commands) {
      if (c.kind !== 'rule' || !c.rule.origin) continue;
      const text = [
        `${c.table} ${c.chain}:`,
        ...c.rule.matches.map(matchText),
        statementText(c.rule.statement),
      ].join(' ');
      const outcome = at(c.rule.origin.path, c.rule.origin.lineNumber, node.name);
      if (!outcome.rules.includes(text)) outcome.rules.push(text);
    }
  }
  return out;
}

function outcomeText(o: LineOutcome): string {
  if (o.fails !== undefined)
    return `the whole update fails on this line (${o.fails}); the node keeps its previous ruleset.`;
  if (o.skipped !== undefined) return `skips this rule (${o.skipped}).`;
  return `builds:\n\n\`\`\`\n${o.rules.join('\n')}\n\`\`\``;
}

/** The hover sections for one line: per group of nodes alike, what proxmox-firewall makes of it. */
export function nftLineHover(nodes: ReadonlyMap<string, LineOutcome>): string[] {
  const groups = new Map<string, string[]>();
  for (const [node, outcome] of nodes) {
    const text = outcomeText(outcome);
    groups.set(text, [...(groups.get(text) ?? []), node]);
  }
  return [...groups].map(
    ([text, names]) =>
      `**proxmox-firewall** (nftables, ${names.length === 1 ? 'node' : 'nodes'} ${names.join(', ')}) ${text}`,
  );
}

/**
 * The hover sections for an ipset where nodes run proxmox-firewall: how its `!` entries work
 * there, and what the management set does in its fixed chains.
 */
export function nftIpsetHover(
  name: string,
  inClusterFile: boolean,
  nodes: readonly string[],
): string[] {
  if (nodes.length === 0) return [];
  const who = `**proxmox-firewall** (nftables, ${nodes.length === 1 ? 'node' : 'nodes'} ${nodes.join(', ')})`;
  const out = [
    `${who}: a member is an address some entry covers and no \`!\` entry covers (any \`!\` entry wins, however wide); the name keeps its case.`,
  ];
  if (inClusterFile && name === 'management')
    out.push(
      `${who}: \`management\` (with \`local_network\`, or the node's own networks) may reach the node on tcp 8006, 22, 3128 and 5900-5999 **before** any host or cluster rule (default-in); there is no 60000-60050.`,
    );
  return out;
}
