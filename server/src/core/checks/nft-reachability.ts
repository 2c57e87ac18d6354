// Reachability findings for nodes that run proxmox-firewall (nftables): the dead rules of each
// node's tables (analysis/nft-reach.ts) as the same findings pve-firewall's nodes give, and the
// merge of both backends' findings for the files several nodes read. A cluster.fw finding stands
// for a backend when every node of that backend has it; when only one backend's nodes have it,
// the message says which. A VNet file is read by the nodes on proxmox-firewall alone.
import { analyseNftTables, type NftReachReport, type OriginLookup } from '../nftables';
import type { Steps } from '../steps';
import type { RuleOrigin } from '../compile';
import type { Finding } from '../findings';
import { modelFiles, type ClusterModel, type ClusterNode } from '../model';
import { DIAGNOSTIC_CODES } from '../findings';
import { loadRustConfig } from '../nftables';
import { buildNodeRuleset } from '../nftables';
import { splitSourceLines, type SourceLine } from '../syntax';
import { deadFinding, PLAIN_DISABLED, removableFinding } from './reachability-findings';

/** Places lines of the model's files: their span, and the group a group chain stands for. */
export function originLookup(model: ClusterModel): OriginLookup {
  const texts = new Map(modelFiles(model).map((f) => [f.path, f.text]));
  const lines = new Map<string, SourceLine[]>();
  return (path, lineNumber, chain) => {
    const text = texts.get(path);
    if (text === undefined) return undefined;
    let split = lines.get(path);
    if (!split) lines.set(path, (split = splitSourceLines(text)));
    const line = split[lineNumber - 1];
    if (!line) return undefined;
    const group = /^group-(.+)-(?:in|out|forward)$/.exec(chain)?.[1];
    const origin: RuleOrigin = {
      path,
      lineNumber,
      span: { start: line.start, end: line.start + line.content.replace(/\r$/, '').length },
      ...(group !== undefined ? { group: { name: group } } : {}),
    };
    return origin;
  };
}

/** The dead rules of one node on proxmox-firewall; undefined when it runs no tables of ours. */
export function* nftNodeReport(
  model: ClusterModel,
  node: ClusterNode,
): Steps<NftReachReport | undefined> {
  const built = buildNodeRuleset(model, node).ruleset;
  if (built.state !== 'active') return undefined;
  return yield* analyseNftTables(built.tables, originLookup(model));
}

/** One node's findings by file path (none when its update fails: it keeps other rules). */
export function* nftNodeFindings(
  model: ClusterModel,
  node: ClusterNode,
): Steps<Map<string, Finding[]>> {
  const out = new Map<string, Finding[]>();
  const report = yield* nftNodeReport(model, node);
  const push = (path: string, f: Finding): void => {
    const list = out.get(path);
    if (list) list.push(f);
    else out.set(path, [f]);
  };
  for (const d of report?.dead ?? []) push(d.origin.path, deadFinding(d));
  for (const r of report?.removable ?? []) push(r.origin.path, removableFinding(r));
  if (report) for (const [path, f] of disabledFindings(model, node)) push(path, f);
  return out;
}

/**
 * The disabled rules (`|IN …`) of the files the node reads, as proxmox-firewall loads them: it
 * keeps them and generates nothing for them.
 */
function disabledFindings(model: ClusterModel, node: ClusterNode): [string, Finding][] {
  const files = [
    ...(model.cluster ? [model.cluster] : []),
    ...(node.host ? [node.host] : []),
    ...model.guests.filter((g) => g.node === node.name).flatMap((g) => (g.file ? [g.file] : [])),
    ...model.vnets.map((v) => v.file),
  ];
  const place = originLookup(model);
  const out: [string, Finding][] = [];
  for (const file of files) {
    const loaded = loadRustConfig(file.text, file.kind);
    if (!loaded.ok) continue;
    const rules = [
      ...loaded.config.rules,
      ...[...loaded.config.groups.values()].flatMap((g) => g.rules),
    ];
    for (const r of rules) {
      if (!r.value.disabled) continue;
      const at = place(file.path, r.lineNumber, '');
      if (!at) continue;
      out.push([
        file.path,
        {
          code: 'disabled-rule',
          severity: DIAGNOSTIC_CODES['disabled-rule'].severity,
          message: PLAIN_DISABLED,
          span: at.span,
          proxmox: null,
          related: [],
        },
      ]);
    }
  }
  return out;
}

const slot = (f: Finding): string => `${f.code} ${f.span.start}`;

/** The findings on `path` every node of the list has, in the first node's words. */
function agreed(perNode: readonly Map<string, Finding[]>[], path: string): Finding[] {
  const first = perNode[0]?.get(path) ?? [];
  const slots = perNode.map((n) => new Set((n.get(path) ?? []).map(slot)));
  return first.filter((f) => slots.every((s) => s.has(slot(f))));
}

export interface BackendFindings {
  readonly node: string;
  readonly backend: 'pve-firewall' | 'proxmox-firewall';
  readonly findings: Map<string, Finding[]>;
}

/**
 * The findings of a cluster some of whose nodes run proxmox-firewall: a file one node reads
 * keeps that node's findings; cluster.fw and the VNet files keep what every node reading them
 * agrees on, per backend, said for one backend when the other's nodes do not agree.
 */
export function mergeBackends(
  perNode: readonly BackendFindings[],
  model: ClusterModel,
  mergeIptables: (perNode: Map<string, Finding[]>[], clusterPath: string) => Map<string, Finding[]>,
): Map<string, Finding[]> {
  const clusterPath = model.cluster?.path ?? '';
  const vnetPaths = new Set(model.vnets.map((v) => v.file.path));
  const ipt = perNode.filter((n) => n.backend === 'pve-firewall');
  const nft = perNode.filter((n) => n.backend === 'proxmox-firewall');
  // pve-firewall's nodes as before (cluster.fw: what they all agree on).
  const out =
    ipt.length > 0
      ? mergeIptables(
          ipt.map((n) => n.findings),
          clusterPath,
        )
      : new Map<string, Finding[]>();
  const iptCluster = out.get(clusterPath) ?? [];
  out.delete(clusterPath);
  for (const n of nft)
    for (const [path, list] of n.findings) {
      if (path === clusterPath || vnetPaths.has(path)) continue;
      out.set(path, [...(out.get(path) ?? []), ...list]);
    }
  for (const path of vnetPaths) {
    const found = agreed(
      nft.map((n) => n.findings),
      path,
    );
    if (found.length > 0) out.set(path, [...(out.get(path) ?? []), ...found]);
  }
  const nftCluster = agreed(
    nft.map((n) => n.findings),
    clusterPath,
  );
  const names = (list: readonly BackendFindings[]): string => list.map((n) => n.node).join(', ');
  const only = (f: Finding, backend: string, nodes: string): Finding =>
    f.message === PLAIN_DISABLED
      ? f
      : { ...f, message: `${f.message} (on ${backend} nodes only: ${nodes})` };
  const merged: Finding[] = [];
  const nftSlots = new Set(nftCluster.map(slot));
  const iptSlots = new Set(iptCluster.map(slot));
  for (const f of iptCluster) {
    // What enabling a disabled rule would do is pve-firewall's answer: on both, it is disabled.
    if (f.code === 'disabled-rule' && nftSlots.has(slot(f)) && f.message !== PLAIN_DISABLED)
      merged.push({ ...f, message: PLAIN_DISABLED, related: [] });
    else
      merged.push(
        nft.length === 0 || nftSlots.has(slot(f)) || f.message === PLAIN_DISABLED
          ? f
          : only(f, 'pve-firewall', names(ipt)),
      );
  }
  for (const f of nftCluster)
    if (!iptSlots.has(slot(f)))
      merged.push(ipt.length === 0 ? f : only(f, 'proxmox-firewall', names(nft)));
  if (merged.length > 0) out.set(clusterPath, merged);
  return out;
}
