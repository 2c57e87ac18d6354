import type { CompiledRule } from '../compile';
import type { HookCheck, Packet, SenderView, SimulationResult } from './simulation-types';

/** Where a compiled rule comes from, for people: `100.fw:7 (group web, via host.fw:3)`. */
export function ruleSource(rule: CompiledRule): string {
  const o = rule.origin;
  if (!o) return `built-in: ${rule.builtin ?? 'Proxmox'}`;
  let text = `${o.path}:${o.lineNumber}`;
  if (o.group) {
    const via = o.group.via ? `, via ${o.group.via.path}:${o.group.via.lineNumber}` : '';
    text += ` (group ${o.group.name}${via})`;
  }
  if (o.macroIndex !== undefined) text += ` (macro rule ${o.macroIndex + 1})`;
  return text;
}

export function describePacket(p: Packet): string {
  const ports = [
    p.sport !== undefined ? `sport ${p.sport}` : '',
    p.dport !== undefined
      ? `${/^icmp|^ipv6-icmp/.test(p.proto) ? 'type' : 'dport'} ${p.dport}`
      : '',
  ].filter((s) => s !== '');
  const types =
    p.dsttype !== 'UNICAST' || p.srctype !== 'UNICAST' ? ` (${p.srctype} → ${p.dsttype})` : '';
  const flags = p.tcpFlags ? ` flags ${p.tcpFlags.join(',')}` : '';
  return `IPv${p.family} ${p.proto} ${p.source} → ${p.dest}${ports.length ? ` ${ports.join(' ')}` : ''}${flags}${types}, ${p.ctstate}`;
}

function devices(p: Packet): string {
  const parts: string[] = [];
  if (p.ifaceIn !== undefined || p.ifaceOut !== undefined) {
    parts.push(`in ${p.ifaceIn ?? '-'} out ${p.ifaceOut ?? '-'}`);
  }
  if (p.physdevIn !== undefined || p.physdevOut !== undefined) {
    parts.push(`bridge ports ${p.physdevIn ?? '-'} → ${p.physdevOut ?? '-'}`);
  }
  return parts.join(', ');
}

function ruleBody(rule: CompiledRule): string {
  return rule.text.replace(/^-A \S+ +/, '');
}

/** One hook: where, which chain, each rule that matched (indented by call depth). */
export function formatCheck(check: HookCheck): string[] {
  const lines = [`at ${check.at}: ${check.chain} (${devices(check.packet)}) → ${check.verdict}`];
  let depth = 0;
  for (const event of check.events) {
    if (event.kind === 'enter') depth++;
    else if (event.kind === 'leave') depth--;
    else {
      const pad = '  '.repeat(depth);
      lines.push(
        `${pad}${event.chain} #${event.index + 1}: ${ruleBody(event.rule)}  → ${event.effect}  [${ruleSource(event.rule)}]`,
      );
    }
  }
  if (!check.decidedBy && check.verdict === 'ACCEPT') {
    lines.push(`  (no rule decided: ${check.chain} accepts by default)`);
  }
  return lines;
}

const SEES: Record<SenderView['sees'], string> = {
  nothing: 'the sender sees nothing',
  'if-routed': 'the sender sees the ICMP error only if the node routes to it',
};

/** The verdict and the whole path, as `pvefw simulate` and failing `pvefw test` cases print it. */
export function formatSimulation(result: SimulationResult & { packet: Packet }): string[] {
  const sender = result.sender;
  const seen = sender ? ` (${SEES[sender.sees]})` : '';
  const lines = [`${result.verdict}${seen}  ${describePacket(result.packet)}`];
  if (result.packet.ctWhy !== undefined) lines.push(`  ${result.packet.ctWhy}`);
  for (const check of result.checks) lines.push(...formatCheck(check).map((l) => `  ${l}`));
  if (result.nftables) lines.push(...result.nftables.map((l) => `  ${l}`));
  else if (result.checks.length === 0) lines.push('  (no firewall hook on this path)');
  if (sender) {
    lines.push(`  sender: ${sender.why}`);
    for (const check of sender.replyChecks ?? []) {
      lines.push(`    reply: ${describePacket(check.packet)}`);
      lines.push(...formatCheck(check).map((l) => `    ${l}`));
    }
  }
  return lines;
}
