// `pvefw explain`: why was this logged packet dropped (or let through)? A log line names a chain,
// not a rule. The packet and where it went are rebuilt from the line (log-line.ts), sent through
// the node's ruleset from the cluster model as `pvefw simulate` does, and answered with the rule
// that decided, the path, and the smallest edit that would turn the verdict around — checked by
// simulating the packet again with the edit made.
import { compileRuleset } from '../compile';
import { compileInputFor, modelNode } from '../compile';
import type { RuleOrigin } from '../compile';
import { ICMP_CODES, ICMPV6_CODES } from '../facts';
import { buildClusterModel, type ClusterModel, type ClusterSources } from '../model';
import { buildNodeRuleset } from '../nftables';
import { nftAsResult } from '../nftables';
import { decidingRule } from '../simulate';
import { formatSimulation } from '../simulate';
import { prepareSimulation, simulatePacket } from '../simulate';
import type { Packet, SimulateRequest, SimulationResult, Verdict } from '../simulate';
import { ZoneError } from '../simulate';
import { nftDecidingRule, nftEnds } from './explain-nft';
import { guestZone } from './guest-zone';
import { parseLogLine, type LoggedPacket } from './log-line';

export interface Flip {
  /** The rule to add, as it would be written. */
  readonly rule: string;
  readonly path: string;
  /** Insert before this 1-based line; past the end for "at the end of the file". */
  readonly beforeLine: number;
  readonly where: string;
  /** The verdict the packet gets with the rule added (simulated again). */
  readonly then: Verdict;
}

export interface Explanation {
  readonly line: string;
  readonly error?: string;
  readonly packet?: LoggedPacket;
  readonly node?: string;
  readonly verdict?: Verdict;
  /** The user's rule that decided, or Proxmox's built-in rule (its label). */
  readonly decidedBy?: { readonly origin?: RuleOrigin; readonly builtin?: string };
  /** The connection state the packet was simulated with. */
  readonly state?: string;
  /** False when the files give another verdict than the log: they changed since, or differ. */
  readonly agrees?: boolean;
  readonly trace: readonly string[];
  /** The smallest edit that turns the verdict around, when an edit can. */
  readonly flip?: Flip;
  /** Why no edit of the files can turn it around (a built-in rule decides before any). */
  readonly noFlip?: string;
}

type Result = SimulationResult & { readonly packet: Packet };

/** The exact ICMP name of a type and code, else the type as a number (any code). */
function icmpName(type: number, code: number, family: 4 | 6): string {
  const table = family === 4 ? ICMP_CODES : ICMPV6_CODES;
  for (const [name, [t, lo, hi]] of Object.entries(table))
    if (t === type && lo === code && hi === code) return name;
  return String(type);
}

/** Where the packet came from and went, from the bridge ports and the chain it was logged in. */
function ends(p: LoggedPacket): { from: string; to: string } {
  // A guest's chain is its device's name and the direction: tap100i0-IN.
  const chainGuest = /^((?:tap|veth)[0-9]+i[0-9]+)-(IN|OUT)$/.exec(p.chain);
  const toGuest =
    guestZone(p.devices.physOut) ??
    (chainGuest?.[2] === 'IN' ? guestZone(chainGuest[1]) : undefined);
  const fromGuest =
    guestZone(p.devices.physIn) ??
    (chainGuest?.[2] === 'OUT' ? guestZone(chainGuest[1]) : undefined);
  const hostIn =
    p.vmid === 0 && (p.chain.endsWith('-IN') || p.chain === 'PVEFW-HOST-IN') && !toGuest;
  const hostOut =
    p.vmid === 0 && (p.chain.endsWith('-OUT') || p.chain === 'PVEFW-HOST-OUT') && !fromGuest;
  return {
    from: fromGuest ?? (hostOut ? 'host' : 'outside'),
    to: toGuest ?? (hostIn ? 'host' : 'outside'),
  };
}

/** The states to try, most likely first: the TCP flags say, ICMP errors may be related. */
function statesFor(p: LoggedPacket): string[] {
  if (p.proto === 'tcp') {
    const syn = p.flags.includes('SYN') && !p.flags.includes('ACK');
    return syn ? ['new'] : ['established', 'new'];
  }
  if (p.icmp) return ['new', 'related', 'established'];
  return ['new', 'established'];
}

function requestOf(
  p: LoggedPacket,
  state: string,
  where: { from: string; to: string } = ends(p),
): SimulateRequest {
  const port =
    p.icmp !== undefined
      ? icmpName(p.icmp.type, p.icmp.code, p.family)
      : p.dport !== undefined
        ? String(p.dport)
        : undefined;
  return {
    ...where,
    proto: p.proto,
    source: p.source,
    dest: p.dest,
    state,
    ...(port !== undefined ? { dport: port } : {}),
    ...(p.sport !== undefined ? { sport: String(p.sport) } : {}),
  };
}

function simulateOn(model: ClusterModel, node: string, request: SimulateRequest): Result {
  if (modelNode(model, node)?.backend === 'proxmox-firewall')
    return nftAsResult(model, node, request);
  const input = compileInputFor(model, node);
  return simulatePacket(prepareSimulation(compileRuleset(input)), input.topology, request);
}

/** The text of a model file after inserting `rule` before `beforeLine` (1-based). */
function withRule(text: string, beforeLine: number, rule: string): string {
  const lines = text.split('\n');
  const at = Math.min(beforeLine - 1, lines.length);
  lines.splice(at, 0, rule);
  return lines.join('\n');
}

/** A rule that takes this packet with the other verdict, written the way Proxmox reads it. */
function counterRule(
  p: LoggedPacket,
  request: SimulateRequest,
  verdict: Verdict,
  forward = false,
): string {
  const inbound =
    request.to === 'host' || request.to.startsWith('vm') || request.to.startsWith('ct');
  const action = verdict === 'ACCEPT' ? 'DROP' : 'ACCEPT';
  if (forward) {
    const port =
      p.dport !== undefined && (p.proto === 'tcp' || p.proto === 'udp') ? ` -dport ${p.dport}` : '';
    return `FORWARD ${action} -source ${p.source} -dest ${p.dest} -p ${p.proto}${port}`;
  }
  const address = inbound ? `-source ${p.source}` : `-dest ${p.dest}`;
  const proto = `-p ${p.proto}`;
  const port =
    p.icmp !== undefined
      ? ` -icmp-type ${request.dport ?? p.icmp.type}`
      : p.dport !== undefined && (p.proto === 'tcp' || p.proto === 'udp')
        ? ` -dport ${p.dport}`
        : '';
  return `${inbound ? 'IN' : 'OUT'} ${action} ${address} ${proto}${port}`;
}

/** The last [RULES] line of a file, to append after (its line count when it has none). */
function rulesEnd(text: string): number {
  const lines = text.split('\n');
  let inRules = false;
  let last = -1;
  lines.forEach((line, i) => {
    if (/^\[/.test(line)) inRules = /^\[RULES\]/i.test(line);
    else if (inRules && line.trim() !== '' && !line.trimStart().startsWith('#')) last = i;
  });
  return last >= 0 ? last + 2 : lines.length + 1;
}

/**
 * The smallest edit that turns the verdict around: a rule for exactly this packet, just before
 * the user's rule that decided (then nothing else changes), or after the last rule of the file
 * whose chain it is when the policy decided. Built-in rules that decide before any user rule
 * (loopback, conntrack, smurfs) cannot be turned around by an edit.
 */
function flipOf(
  sources: ClusterSources,
  model: ClusterModel,
  node: string,
  p: LoggedPacket,
  request: SimulateRequest,
  result: Result,
  decidedBy: Explanation['decidedBy'],
  nftChain?: string,
): Pick<Explanation, 'flip' | 'noFlip'> {
  // On proxmox-firewall a VNet's chain and the forward chains take FORWARD rules.
  const vnet = nftChain?.startsWith('bridge-') ? nftChain.slice('bridge-'.length) : undefined;
  const forward = vnet !== undefined || nftChain?.endsWith('-forward') === true;
  const rule = counterRule(p, request, result.verdict, forward);
  let path: string | undefined;
  let beforeLine: number | undefined;
  const vnetFile = model.vnets.find((v) => v.name === vnet)?.file;
  if (decidedBy?.origin && !decidedBy.origin.group) {
    path = decidedBy.origin.path;
    beforeLine = decidedBy.origin.lineNumber;
  } else if (vnetFile) {
    path = vnetFile.path;
    beforeLine = rulesEnd(vnetFile.text);
  } else {
    const guestVmid = /^(?:vm|ct)([0-9]+)/.exec(
      request.to === 'outside' ? request.from : request.to,
    )?.[1];
    const guest = guestVmid ? model.guests.find((g) => g.vmid === Number(guestVmid)) : undefined;
    const host = modelNode(model, node)?.host;
    // A file with a [RULES] section first: a rule added elsewhere would not be a rule.
    const files = [guest?.file, host, model.cluster].filter((f) => f !== undefined);
    const file = files.find((f) => /^\[RULES\]/im.test(f.text)) ?? files[0];
    if (!file) return { noFlip: 'there is no firewall file to add a rule to' };
    path = file.path;
    beforeLine = rulesEnd(file.text);
  }
  const rebuilt = editedSources(sources, path, (text) => withRule(text, beforeLine, rule));
  if (!rebuilt) return { noFlip: `${path} is not a file of this cluster` };
  let then: Verdict;
  try {
    const edited = buildClusterModel(rebuilt);
    // On proxmox-firewall an edit that fails the file fails the whole update: no flip.
    const found = modelNode(edited, node);
    if (found?.backend === 'proxmox-firewall') {
      const built = buildNodeRuleset(edited, found).ruleset;
      if (built.state === 'stale')
        return { noFlip: `a rule for it (${rule}) in ${path} would stop the update: ${built.why}` };
    }
    then = simulateOn(edited, node, request).verdict;
  } catch (error) {
    if (error instanceof ZoneError) return { noFlip: error.message };
    throw error;
  }
  if (then === result.verdict)
    return {
      noFlip: `a rule for it (${rule}) in ${path} changes nothing: ${decidedBy?.builtin ? `Proxmox's built-in rule (${decidedBy.builtin})` : 'an earlier rule'} decides first`,
    };
  const where = decidedBy?.origin
    ? `before line ${beforeLine} (the rule that decided)`
    : `after the last rule (line ${beforeLine - 1})`;
  return { flip: { rule, path, beforeLine, where, then } };
}

function editedSources(
  sources: ClusterSources,
  path: string,
  edit: (text: string) => string,
): ClusterSources | undefined {
  let found = false;
  const file = <T extends { path: string; text: string }>(f: T): T => {
    if (f.path !== path) return f;
    found = true;
    return { ...f, text: edit(f.text) };
  };
  const out: ClusterSources = {
    ...sources,
    ...(sources.cluster ? { cluster: file(sources.cluster) } : {}),
    ...(sources.hosts ? { hosts: sources.hosts.map((h) => ({ ...h, file: file(h.file) })) } : {}),
    ...(sources.guests
      ? { guests: sources.guests.map((g) => ({ ...g, file: file(g.file) })) }
      : {}),
    ...(sources.vnets ? { vnets: sources.vnets.map((v) => ({ ...v, file: file(v.file) })) } : {}),
  };
  return found ? out : undefined;
}

/**
 * Whether a verdict is the one the log line names. proxmox-firewall logs the rule's REJECT, but
 * a REJECT to a guest is a DROP there, and do-reject drops broadcasts: a DROP agrees with it.
 */
function logged(action: Verdict, verdict: Verdict, nft: boolean): boolean {
  return verdict === action || (nft && action === 'REJECT' && verdict === 'DROP');
}

/** Explains each log line in the cluster of `sources`, on `node` (default: the local node). */
export function explainLogLines(
  sources: ClusterSources,
  lines: readonly string[],
  nodeName?: string,
): Explanation[] {
  return explainLogLinesIn({ sources, model: buildClusterModel(sources) }, lines, nodeName);
}

/**
 * explainLogLines for a caller that has built the cluster model already (the editor names the
 * node before it explains), so the model is built once. The sources are still needed: a flip is
 * checked by editing them and simulating again.
 */
export function explainLogLinesIn(
  cluster: { readonly sources: ClusterSources; readonly model: ClusterModel },
  lines: readonly string[],
  nodeName?: string,
): Explanation[] {
  const { sources, model } = cluster;
  const node = nodeName ?? model.localNode;
  return lines
    .filter((line) => line.trim() !== '')
    .map((line): Explanation => {
      const parsed = parseLogLine(line);
      if (!parsed.ok) return { line, error: parsed.error, trace: [] };
      const p = parsed.packet;
      // A node on proxmox-firewall logs its own chains (explain-nft.ts).
      const nft = modelNode(model, node)?.backend === 'proxmox-firewall';
      const where = nft ? nftEnds(model, p) : ends(p);
      let best: { state: string; result: Result } | undefined;
      try {
        for (const state of statesFor(p)) {
          let result: Result;
          try {
            result = simulateOn(model, node, requestOf(p, state, where));
          } catch (error) {
            // A state the kernel never gives this packet: try the next.
            if (error instanceof ZoneError && best === undefined && state !== statesFor(p).at(-1))
              continue;
            throw error;
          }
          best ??= { state, result };
          if (p.action === undefined || logged(p.action, result.verdict, nft)) {
            best = { state, result };
            break;
          }
        }
      } catch (error) {
        if (error instanceof ZoneError)
          return { line, packet: p, node, error: error.message, trace: [] };
        throw error;
      }
      const { state, result } = best!;
      const request = requestOf(p, state, where);
      const nftDecider = nft ? nftDecidingRule(model, node, request) : undefined;
      const decidedBy = nft
        ? nftDecider && {
            ...(nftDecider.origin ? { origin: nftDecider.origin } : {}),
            ...(nftDecider.builtin ? { builtin: nftDecider.builtin } : {}),
          }
        : decidingRule(result);
      return {
        line,
        packet: p,
        node,
        verdict: result.verdict,
        ...(decidedBy ? { decidedBy } : {}),
        state,
        ...(p.action !== undefined ? { agrees: logged(p.action, result.verdict, nft) } : {}),
        trace: formatSimulation(result),
        ...flipOf(sources, model, node, p, request, result, decidedBy, nftDecider?.chain),
      };
    });
}
