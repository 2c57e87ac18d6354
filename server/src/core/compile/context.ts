import type { FwConfig, RuleDef } from '../model';
import type { TopologyNic } from '../model';
import { parseIpOrCidr } from '../syntax';
import type { CompileDie, NameTable, RefScope, RuleSpec } from './rule-spec';
import type {
  CompileInput,
  Family,
  RuleOrigin,
  SkippedRule,
  SourceRef,
  SourcedConfig,
} from './ruleset-types';

/** A guest of the local node as compile() sees it (Proxmox's `$vmdata`). */
export interface LocalGuest {
  readonly vmid: number;
  readonly kind: 'vm' | 'ct';
  /** NICs named netN, in Perl's string order of the names. */
  readonly nics: readonly (TopologyNic & { readonly index: number })[];
  /** The guest's .fw; absent when the file does not exist. */
  readonly source?: SourcedConfig;
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * An origin with more said about it. Written out field by field: V8 gives each object spread
 * into a literal its own hidden class, and there is one origin per compiled rule.
 */
export function withOrigin(
  base: RuleOrigin,
  more: Pick<RuleOrigin, 'group' | 'macroIndex'>,
): RuleOrigin {
  const group = more.group ?? base.group;
  const macroIndex = more.macroIndex ?? base.macroIndex;
  const out: { -readonly [K in keyof RuleOrigin]: RuleOrigin[K] } = {
    path: base.path,
    lineNumber: base.lineNumber,
    span: base.span,
  };
  if (group) out.group = group;
  if (macroIndex !== undefined) out.macroIndex = macroIndex;
  return out;
}

/** Where a rule line sits. */
export function sourceRef(path: string, def: RuleDef): SourceRef {
  const line = def.line.line;
  return {
    path,
    lineNumber: line.number,
    span: { start: line.start, end: line.start + line.content.length },
  };
}

/**
 * What one compile shares across both families. pve-firewall rewrites a rule's action in
 * place when it compiles it (ACCEPT becomes RETURN in host chains, and so on) and later
 * passes build their log prefix from the rewritten action; `actions` replays that.
 */
export class CompileContext {
  readonly skipped: SkippedRule[] = [];
  readonly cluster: SourcedConfig;
  /** cluster.fw's names plus what compile() adds: the local_network alias, the management set. */
  readonly clusterNames: NameTable;
  readonly localNetwork: { readonly cidr: string; readonly ipversion: 4 | 6 };
  readonly guests: LocalGuest[];
  /** What every rule compiled against cluster.fw resolves names in (SDN sets included). */
  readonly clusterScope: RefScope;
  private readonly actions = new Map<RuleDef, string>();

  constructor(
    readonly input: CompileInput,
    cluster: SourcedConfig,
  ) {
    this.cluster = cluster;
    const own = cluster.config.aliases.get('local_network');
    this.localNetwork = own ??
      parseIpOrCidr(input.topology.localNetwork ?? '') ?? { cidr: '127.0.0.0/8', ipversion: 4 };
    const aliases = new Map<string, { cidr: string; ipversion: 4 | 6 }>(cluster.config.aliases);
    aliases.set('local_network', this.localNetwork);
    const sets = cluster.config.ipsets;
    this.clusterNames = { aliases, ipsets: { has: (n) => n === 'management' || sets.has(n) } };
    this.guests = localGuests(input);
    this.clusterScope = {
      cluster: this.clusterNames,
      sdnSets: new Set(input.sdnIpSets?.keys() ?? []),
    };
  }

  get host(): FwConfig | undefined {
    return this.input.host?.config;
  }

  /** The rule's action as Proxmox holds it right now. */
  action(def: RuleDef): string {
    return this.actions.get(def) ?? def.line.rule.action ?? '';
  }

  /** rule_substitude_action, in place. */
  substitute(def: RuleDef, map: Readonly<Record<string, string>>): string {
    const now = this.action(def);
    const next = map[now] ?? now;
    this.actions.set(def, next);
    return next;
  }

  skip(die: CompileDie, family: Family | undefined, chain: string, origin?: RuleOrigin): void {
    const where = die.origin ?? origin;
    this.skipped.push({
      message: die.message,
      chain,
      ...(family !== undefined ? { family } : {}),
      ...(where !== undefined ? { origin: where } : {}),
    });
  }
}

/** The %rule of a user's line, with the action it has at this point of the compile. */
export function userRuleSpec(def: RuleDef, action: string, logmsg?: string): RuleSpec {
  const o = def.line.rule.options;
  // Every field, absent ones undefined: one hidden class for every rule (see specShape).
  return {
    action,
    macro: def.verified.macro,
    proto: o.proto?.value.text,
    dport: o.dport?.value.text,
    sport: o.sport?.value.text,
    source: o.source?.value.text,
    dest: o.dest?.value.text,
    icmpType: o['icmp-type']?.value.text,
    log: o.log?.value.text,
    logmsg,
  };
}

/** Whether Proxmox compiles the rule into a ruleset of this family at all. */
export function compilesFor(def: RuleDef, family: Family): boolean {
  if (!def.line.rule.enabled || def.verified.errors.length > 0) return false;
  return def.verified.ipversion === undefined || def.verified.ipversion === family;
}

function localGuests(input: CompileInput): LocalGuest[] {
  const { topology } = input;
  const guests = topology.guests
    .filter((g) => g.node === topology.localNode)
    .map((g): LocalGuest => {
      const nics = g.nics
        .map((nic) => ({ ...nic, index: Number(/^net([0-9]+)$/.exec(nic.name)?.[1] ?? -1) }))
        .filter((nic) => nic.index >= 0)
        .sort((a, b) => byteOrder(a.name, b.name));
      const source = input.guests?.get(g.vmid);
      return { vmid: g.vmid, kind: g.kind, nics, ...(source ? { source } : {}) };
    });
  // compile() walks qemu guests, then containers, each in Perl's string order of the vmid.
  const order = (kind: 'vm' | 'ct'): LocalGuest[] =>
    guests.filter((g) => g.kind === kind).sort((a, b) => byteOrder(String(a.vmid), String(b.vmid)));
  return [...order('vm'), ...order('ct')];
}

/** User rules compiled between two pauses of an analysis in time slices: a few milliseconds. */
export const RULES_PER_PAUSE = 500;
