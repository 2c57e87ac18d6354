import { compileRuleset, type CompileResult, type SkippedRule } from '../core/compile';
import {
  formatSimulation,
  prepareSimulation,
  simulatePacket,
  zoneOfAddress,
  ZoneError,
  type SimulateRequest,
} from '../core/simulate';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileInputFor, modelNode, type ClusterModel, type Topology } from '../core';
import type { CompileInput } from '../core/compile';
import { formatNftSimulation, simulateNft } from '../core/nftables';
import { readClusterFolder, type TopologyChoice } from './cluster-folder';
import { fsReason, inputError, usageError } from './errors';
import { ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { shownPath } from './paths';
import type { SimulateArgs } from './sim-args';
import { SourceReader } from './sources';

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

/** The folder a command was pointed at, or an input error. */
export function folderArg(dirArg: string, cwd: string): string {
  const dir = resolve(cwd, dirArg);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (error) {
    throw inputError(`cannot read ${dirArg}: ${fsReason(error)}`);
  }
  if (!isDir) throw inputError(`${dirArg} is not a folder`);
  return dir;
}

/** The model of the folder and the node asked about, with what explains a verdict. */
export function modelAndNode(
  dirArg: string,
  nodeArg: string | undefined,
  choice: TopologyChoice,
  cwd: string,
): { model: ClusterModel; node: string; input: CompileInput; notes: string[] } {
  const { model, unknown } = readClusterFolder(
    folderArg(dirArg, cwd),
    new SourceReader(),
    cwd,
    choice,
  );
  const node = nodeArg ?? model.localNode;
  const found = modelNode(model, node);
  if (!found)
    throw usageError(
      `no node '${node}' in this cluster (nodes: ${model.nodes.map((n) => n.name).join(', ')})`,
    );
  const notes = unknown.map(
    (path) => `note: ${shownPath(path, cwd)}: not read (its name says no kind; Proxmox ignores it)`,
  );
  for (const guest of model.guests) {
    if (!guest.file || guest.node === node) continue;
    notes.push(
      guest.node === undefined
        ? `note: ${guest.file.path}: no guest ${guest.vmid} in the topology; not compiled`
        : `note: ${guest.file.path}: guest ${guest.vmid} runs on node '${guest.node}' (use --node ${guest.node})`,
    );
  }
  if (found.backend === 'proxmox-firewall')
    notes.push(
      found.backendFrom === 'host.fw'
        ? `note: node '${node}' runs proxmox-firewall (nftables: 1 in its host.fw)`
        : `note: node '${node}' has no host.fw here: --backend nftables says it runs proxmox-firewall`,
    );
  if (model.topologySource.kind === 'proxmox-tests')
    notes.push("note: topology: Proxmox's test topology (--topology default)");
  else if (model.topologySource.kind === 'assumed')
    notes.push(
      'note: topology: assumed from the files (no topology.json): guests on this node with the NICs their rules name plus one more, all firewalled',
    );
  return { model, node, input: compileInputFor(model, node), notes };
}

export function runSimulate(args: SimulateArgs, io: CliIo): ExitCode {
  const { model, node, input, notes } = modelAndNode(
    args.dir,
    args.node,
    {
      world: 'assumed',
      ...(args.topology ? { option: args.topology } : {}),
      ...(args.backend ? { backend: args.backend } : {}),
    },
    io.cwd,
  );
  const packet: Record<string, string> = { ...args.packet };
  const from = endpoint(args.from, input.topology, 'source', packet);
  const to = endpoint(args.to, input.topology, 'dest', packet);
  const request: SimulateRequest = { ...packet, from, to };
  if (modelNode(model, node)?.backend === 'proxmox-firewall') {
    let lines: string[];
    try {
      lines = formatNftSimulation(simulateNft(model, node, request), node);
    } catch (error) {
      if (error instanceof ZoneError) throw usageError(error.message);
      throw error;
    }
    io.out(`${[...lines, ...notes].join('\n')}\n`);
    return ExitCode.Ok;
  }
  const compiled = compileRuleset(input);
  let lines: string[];
  try {
    lines = formatSimulation(simulatePacket(prepareSimulation(compiled), input.topology, request));
  } catch (error) {
    if (error instanceof ZoneError) throw usageError(error.message);
    throw error;
  }
  if (!compiled.enabled)
    lines.push('note: the firewall is off (cluster.fw missing or without enable: 1)');
  lines.push(...notes, ...skippedLines(compiled));
  io.out(`${lines.join('\n')}\n`);
  return ExitCode.Ok;
}
