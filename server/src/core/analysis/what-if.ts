import type { CompileInput, SourcedConfig } from '../compile/types';
import type { FwConfig, OptionDef, RuleDef } from '../model/fw-config';
import type { Topology, TopologyGuest } from '../model/topology';

/** Key of a user rule line: the file it is in and its 1-based line number. */
export function lineKey(path: string, lineNumber: number): string {
  return `${path}:${lineNumber}`;
}

function enabled(def: RuleDef): RuleDef {
  if (def.line.rule.enabled) return def;
  return { ...def, line: { ...def.line, rule: { ...def.line.rule, enabled: true } } };
}

function forced(options: Map<string, OptionDef>, key: string): Map<string, OptionDef> {
  const copy = new Map(options);
  const current = copy.get(key);
  // The option line only matters to lints, which never see this copy.
  copy.set(key, { value: '1', line: current?.line ?? (undefined as never) });
  return copy;
}

/**
 * The configuration as if every firewall were on and every disabled rule enabled. One compile of
 * it serves both questions: real reachability (disabled rules are then ignored as deciders) and
 * whether a disabled rule would be dead if enabled.
 */
function whatIfConfig(source: SourcedConfig, disabled: Set<string>): SourcedConfig {
  const { config, path } = source;
  const mark = (def: RuleDef): RuleDef => {
    if (!def.line.rule.enabled) disabled.add(lineKey(path, def.line.line.number));
    return enabled(def);
  };
  const groups = new Map(
    [...config.groups].map(([name, group]) => [name, { ...group, rules: group.rules.map(mark) }]),
  );
  const whatIf: FwConfig = {
    ...config,
    options:
      config.kind === 'cluster' || config.kind === 'guest'
        ? forced(config.options, 'enable')
        : config.options,
    rules: config.rules.map(mark),
    groups,
  };
  return { path, config: whatIf };
}

function nicNumbers(config: FwConfig): number[] {
  const found = new Set<number>([0]);
  const note = (text: string | undefined): void => {
    const m = /^net([0-9]+)$/.exec(text ?? '') ?? /^ipfilter-net([0-9]+)$/.exec(text ?? '');
    if (m) found.add(Number(m[1]));
  };
  for (const def of config.rules) note(def.line.rule.options.iface?.value.text);
  for (const name of config.ipsets.keys()) note(name);
  return [...found].sort((a, b) => a - b);
}

/** A topology for files checked without one: every guest on this node, its NICs firewalled. */
export function defaultTopology(
  guests: ReadonlyMap<number, SourcedConfig>,
  node = 'localhost',
): Topology {
  const list: TopologyGuest[] = [...guests].map(([vmid, source]) => ({
    vmid,
    kind: 'vm',
    node,
    nics: nicNumbers(source.config).map((n) => ({
      name: `net${n}`,
      bridge: 'vmbr0',
      firewall: true,
    })),
  }));
  return { localNode: node, nodes: [{ name: node }], guests: list };
}

/** Forces every guest NIC's firewall flag on, so that the guest's rules are analysed. */
function firewalledTopology(topology: Topology): Topology {
  return {
    ...topology,
    guests: topology.guests.map((g) => ({
      ...g,
      nics: g.nics.map((n) => ({ ...n, firewall: true })),
    })),
  };
}

export interface WhatIf {
  readonly input: CompileInput;
  /** Line keys of rules that are disabled (`|`) in the real files. */
  readonly disabled: ReadonlySet<string>;
}

export function whatIfInput(input: CompileInput): WhatIf {
  const disabled = new Set<string>();
  const guests = new Map(
    [...(input.guests ?? new Map<number, SourcedConfig>())].map(([vmid, g]) => [
      vmid,
      whatIfConfig(g, disabled),
    ]),
  );
  return {
    disabled,
    input: {
      ...input,
      ...(input.cluster ? { cluster: whatIfConfig(input.cluster, disabled) } : {}),
      ...(input.host ? { host: whatIfConfig(input.host, disabled) } : {}),
      guests,
      topology: firewalledTopology(input.topology),
    },
  };
}
