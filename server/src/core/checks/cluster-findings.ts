// Findings about a cluster as a whole, made where the cause is written: a policy that locks this
// machine out of a node's web UI and SSH, a policy_out that cuts the nodes off DNS, time and
// updates, a guest whose rules apply to no NIC, and names defined but never used. Each claim
// is proved the way push proves a lock-out: the node's ruleset compiled from the cluster model,
// and the packet sent through it by the simulator.
import { compileRuleset } from '../compile';
import { compileInputFor } from '../compile';
import type { CompileResult } from '../compile';
import { indexNames } from '../model';
import { modelFiles, type ClusterFile, type ClusterModel } from '../model';
import { asciiLower } from '../syntax';
import type { FwLine } from '../syntax';
import type { Span } from '../text';
import { prepareSimulation, simulatePacket } from '../simulate';
import type { SimulationResult } from '../simulate';
import { ZoneError } from '../simulate';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../findings';
import type { Finding } from '../findings';

type Found = Map<string, Finding[]>;

function add(out: Found, path: string, finding: Finding): void {
  const list = out.get(path);
  if (list) list.push(finding);
  else out.set(path, [finding]);
}

function make(code: DiagnosticCode, span: Span, message: string, hint?: string): Finding {
  return {
    code,
    severity: DIAGNOSTIC_CODES[code].severity,
    message,
    ...(hint ? { hint } : {}),
    span,
    proxmox: null,
    related: [],
  };
}

function lineSpan(line: FwLine): Span {
  return { start: line.line.start, end: line.line.start + line.line.content.length };
}

/** Where an option of cluster.fw is written, else where the firewall is switched on. */
function optionPlace(cluster: ClusterFile, key: string): Span {
  const options = cluster.load.config.options;
  const line = options.get(key)?.line ?? options.get('enable')?.line;
  return line ? lineSpan(line) : { start: 0, end: 0 };
}

/** The rule or built-in rule that decided, from a simulation. */
function decider(result: SimulationResult): {
  origin?: { path: string; lineNumber: number; span: Span };
  builtin?: string;
} {
  for (const check of result.checks)
    if (check.verdict !== 'ACCEPT' && check.decidedBy)
      return {
        ...(check.decidedBy.rule.origin ? { origin: check.decidedBy.rule.origin } : {}),
        ...(check.decidedBy.rule.builtin ? { builtin: check.decidedBy.rule.builtin } : {}),
      };
  return {};
}

function nodeAddress(model: ClusterModel, node: string): string | undefined {
  return model.topology.nodes.find((n) => n.name === node)?.address;
}

function hostRuleset(
  model: ClusterModel,
  node: string,
): { compiled: CompileResult; input: ReturnType<typeof compileInputFor> } | undefined {
  const input = compileInputFor(model, node, { hostOnly: true });
  const compiled = compileRuleset(input);
  return compiled.enabled ? { compiled, input } : undefined;
}

const PORT_NAMES: Record<string, string> = {
  '8006': 'the web UI (tcp 8006)',
  '22': 'SSH (tcp 22)',
};

/**
 * This machine (topology.json's `managedFrom`, recorded by `pvefw pull`) cut off the web UI or SSH
 * of a node: said on the rule that drops it, else on the policy that does.
 */
function managementAccess(model: ClusterModel, out: Found): void {
  const from = model.topology.managedFrom;
  const cluster = model.cluster;
  if (!from || !cluster || model.topologySource.kind !== 'file') return;
  const lost = new Map<string, { path: string; span: Span; what: string[]; byRule: boolean }>();
  const aliasNetwork = cluster.load.config.aliases.has('local_network');
  for (const node of model.nodes) {
    const address = nodeAddress(model, node.name);
    // Proxmox's allowances are for the node's local network: unknown, nothing can be proved.
    if (!address || (!node.localNetwork && !aliasNetwork)) continue;
    const built = hostRuleset(model, node.name);
    if (!built) continue;
    const rulesets = prepareSimulation(built.compiled);
    for (const port of ['8006', '22']) {
      let result;
      try {
        result = simulatePacket(rulesets, built.input.topology, {
          from: 'outside',
          to: 'host',
          proto: 'tcp',
          dport: port,
          sport: '40000',
          source: from,
          dest: address,
        });
      } catch (error) {
        if (error instanceof ZoneError) continue;
        throw error;
      }
      if (result.verdict === 'ACCEPT') continue;
      const by = decider(result);
      const path = by.origin?.path ?? cluster.path;
      const span = by.origin?.span ?? optionPlace(cluster, 'policy_in');
      const key = `${path} ${span.start}`;
      const entry = lost.get(key) ?? { path, span, what: [], byRule: by.origin !== undefined };
      entry.what.push(`${PORT_NAMES[port]} of ${node.name} (${address})`);
      lost.set(key, entry);
    }
  }
  const network = model.nodes.find((n) => n.name === model.localNode)?.localNetwork;
  for (const { path, span, what, byRule } of lost.values()) {
    const cause = byRule
      ? 'this rule drops it first'
      : `no rule accepts it, and Proxmox's own allowances cover only the management ipset${network ? ` (the local network ${network})` : ''}`;
    add(
      out,
      path,
      make(
        'management-lockout',
        span,
        `this locks ${from} (this machine, as topology.json's managedFrom says) out of ${what.join(', ')}: ${cause}`,
        `accept it before anything drops it, e.g. 'IN ACCEPT -source ${from} -p tcp -dport 8006,22' at the top of [RULES] in cluster.fw; push refuses this configuration for the same reason`,
      ),
    );
  }
}

/** What nodes reach out for, and where a probe of it goes when no node address says. */
const OUTBOUND: readonly { what: string; proto: string; dport: string; dest: string }[] = [
  { what: 'resolve names (udp 53)', proto: 'udp', dport: '53', dest: '203.0.113.53' },
  { what: 'keep the time (NTP, udp 123)', proto: 'udp', dport: '123', dest: '203.0.113.123' },
  { what: 'fetch package updates (tcp 80, 443)', proto: 'tcp', dport: '443', dest: '203.0.113.80' },
];

/** policy_out DROP/REJECT with nothing that lets the nodes reach DNS, NTP, updates, their peers. */
function outboundBlocked(model: ClusterModel, out: Found): void {
  const cluster = model.cluster;
  const policy = cluster?.load.config.options.get('policy_out')?.value.toUpperCase();
  if (!cluster || (policy !== 'DROP' && policy !== 'REJECT')) return;
  const broken = new Map<string, string[]>();
  for (const node of model.nodes) {
    const built = hostRuleset(model, node.name);
    if (!built) continue;
    const rulesets = prepareSimulation(built.compiled);
    const source = nodeAddress(model, node.name) ?? '192.0.2.1';
    const probes = [
      ...OUTBOUND,
      ...model.nodes
        .filter((n) => n.name !== node.name && nodeAddress(model, n.name))
        .map((n) => ({
          what: `migrate guests to ${n.name} (tcp 60000-60050)`,
          proto: 'tcp',
          dport: '60000',
          dest: nodeAddress(model, n.name)!,
        })),
    ];
    for (const probe of probes) {
      let result;
      try {
        result = simulatePacket(rulesets, built.input.topology, {
          from: 'host',
          to: 'outside',
          proto: probe.proto,
          dport: probe.dport,
          sport: '40000',
          source,
          dest: probe.dest,
        });
      } catch (error) {
        if (error instanceof ZoneError) continue;
        throw error;
      }
      // Only what the policy decides: a rule that drops it says so itself.
      if (result.verdict === 'ACCEPT' || decider(result).origin) continue;
      broken.set(probe.what, [...(broken.get(probe.what) ?? []), node.name]);
    }
  }
  if (broken.size === 0) return;
  const all = model.nodes.length;
  const lines = [...broken].map(([what, nodes]) =>
    nodes.length === all ? what : `${what} (on ${nodes.join(', ')})`,
  );
  add(
    out,
    cluster.path,
    make(
      'outbound-blocked',
      optionPlace(cluster, 'policy_out'),
      `with policy_out ${policy} and no OUT rule for them, the nodes cannot ${lines.join('; ')}`,
      "add OUT ACCEPT rules for what the nodes need (e.g. 'OUT DNS(ACCEPT)', 'OUT NTP(ACCEPT)', 'OUT ACCEPT -p tcp -dport 80,443'), or keep policy_out ACCEPT",
    ),
  );
}

/** A guest switched on whose NICs all lack firewall=1: Proxmox applies none of its rules. */
function guestFirewallOff(model: ClusterModel, out: Found): void {
  if (model.topologySource.kind !== 'file') return;
  for (const guest of model.guests) {
    const enable = guest.file?.load.config.options.get('enable');
    if (!guest.file || enable?.value !== '1' || guest.nics.length === 0) continue;
    if (guest.nics.some((n) => n.firewall)) continue;
    add(
      out,
      guest.file.path,
      make(
        'guest-firewall-off',
        lineSpan(enable.line),
        `enable: 1, but none of guest ${guest.vmid}'s NICs (${guest.nics.map((n) => n.name).join(', ')}) has firewall=1 in topology.json: Proxmox applies none of these rules`,
        "turn the firewall on for the NIC in the guest's hardware (Network Device → Firewall), then pull again",
      ),
    );
  }
}

/** Names Proxmox uses by itself, whether any rule names them or not. */
function usedByProxmox(kind: 'ipset' | 'alias', name: string, file: ClusterFile): boolean {
  if (kind === 'alias') return name === 'local_network';
  if (file.kind === 'guest') return /^ipfilter-net[0-9]+$/.test(name);
  return name === 'management' || name === 'blacklist';
}

/** Ipsets, aliases and groups that no file of the cluster refers to. */
function unusedDefinitions(model: ClusterModel, out: Found): void {
  const cluster = model.cluster;
  if (!cluster) return;
  const files = modelFiles(model);
  // Names referred to, per file that may define them. Any reference counts, in any case and
  // scope: one that does not resolve is reported for what it is, not as an unused definition.
  const used = new Map<ClusterFile, Set<string>>();
  const use = (file: ClusterFile, kind: string, key: string): void => {
    const set = used.get(file) ?? new Set<string>();
    set.add(`${kind} ${asciiLower(key)}`);
    used.set(file, set);
  };
  for (const file of files) {
    for (const ref of indexNames(file.load.config.tree).refs) {
      use(cluster, ref.kind, ref.key);
      if (file.kind === 'guest') use(file, ref.kind, ref.key);
    }
  }
  for (const file of files) {
    if (file.kind !== 'cluster' && file.kind !== 'guest') continue;
    const names = used.get(file) ?? new Set<string>();
    for (const def of indexNames(file.load.config.tree).defs) {
      if (def.kind === 'group' && file.kind !== 'cluster') continue;
      if (names.has(`${def.kind} ${def.key}`)) continue;
      if (def.kind !== 'group' && usedByProxmox(def.kind, def.key, file)) continue;
      const what = { ipset: 'ipset', alias: 'alias', group: 'security group' }[def.kind];
      const where =
        file.kind === 'cluster'
          ? 'in any file of this cluster'
          : 'in this file (its own names are seen only here)';
      add(
        out,
        file.path,
        make('unused-definition', def.span, `${what} '${def.key}' is never used ${where}`),
      );
    }
  }
}

/** Every finding of this module, by file path. */
export function clusterWideFindings(model: ClusterModel): Map<string, Finding[]> {
  const out: Found = new Map();
  managementAccess(model, out);
  outboundBlocked(model, out);
  guestFirewallOff(model, out);
  unusedDefinitions(model, out);
  return out;
}
