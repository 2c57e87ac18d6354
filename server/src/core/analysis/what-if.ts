import type { CompileInput, SourcedConfig } from '../compile';
import type { FwConfig, OptionDef, RuleDef } from '../model';

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
 * The configuration as if every firewall were on and every disabled rule enabled. (A NIC keeps
 * its own firewall flag: without firewall=1 Proxmox builds it no chain, and none of the guest's
 * rules applies there; an assumed topology has them all on.) One compile of
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
    },
  };
}
