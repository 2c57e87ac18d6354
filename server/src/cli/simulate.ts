import { compileRuleset, type CompileResult, type SkippedRule } from '../core/compile';
import {
  formatSimulation,
  prepareSimulation,
  simulatePacket,
  zoneOfAddress,
  ZoneError,
  type SimulateRequest,
} from '../core/simulate';
import type { Topology } from '../core/model/topology';
import { usageError } from './errors';
import { ExitCode } from './exit-codes';
import { readFirewallDir } from './firewall-dir';
import type { CliIo } from './io';
import type { SimulateArgs } from './sim-args';

/** Proxmox's compile-time warnings, which explain rules missing from a trace. */
export function skippedLines(compiled: CompileResult): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const s of compiled.skipped) {
    const line = skippedLine(s);
    if (!seen.has(line)) lines.push(line);
    seen.add(line);
  }
  return lines;
}

function skippedLine(s: SkippedRule): string {
  const where = s.origin ? `${s.origin.path}:${s.origin.lineNumber}: ` : '';
  const family = s.family !== undefined ? `IPv${s.family} ` : '';
  const aborted = s.guestAborted !== undefined ? `, rest of guest ${s.guestAborted} not built` : '';
  return `note: ${where}Proxmox skips this (${family}${s.chain}${aborted}): ${s.message}`;
}

/** A zone as given, or the zone of an address (which then also becomes the packet's address). */
function endpoint(
  value: string,
  topology: Topology,
  addressKey: 'source' | 'dest',
  packet: Record<string, string>,
): string {
  const zone = zoneOfAddress(value, topology);
  if (zone === undefined) return value;
  packet[addressKey] ??= value;
  return zone;
}

export function runSimulate(args: SimulateArgs, io: CliIo): ExitCode {
  const fw = readFirewallDir(args.dir, args.topology, io.cwd);
  const compiled = compileRuleset(fw.input);
  const packet: Record<string, string> = { ...args.packet };
  const from = endpoint(args.from, fw.topology, 'source', packet);
  const to = endpoint(args.to, fw.topology, 'dest', packet);
  const request: SimulateRequest = { ...packet, from, to };
  let lines: string[];
  try {
    lines = formatSimulation(simulatePacket(prepareSimulation(compiled), fw.topology, request));
  } catch (error) {
    if (error instanceof ZoneError) throw usageError(error.message);
    throw error;
  }
  if (!compiled.enabled)
    lines.push('note: the firewall is off (cluster.fw missing or without enable: 1)');
  lines.push(...fw.notes, ...skippedLines(compiled));
  if (fw.topologySource === 'default')
    lines.push("note: topology: Proxmox's test topology (no topology.json)");
  io.out(`${lines.join('\n')}\n`);
  return ExitCode.Ok;
}
