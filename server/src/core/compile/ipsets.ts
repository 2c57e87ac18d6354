import { ALIAS_REF } from '../model';
import type { IpSetEntry } from '../model';
import { IPV4_RE, IPV6_RE, parseIpOrCidr } from '../syntax';
import { asciiLower } from '../syntax';
import type { CompileContext, LocalGuest } from './context';
import { ipsetKernelName } from './ipset-name';
import { macToLinkLocal, netIpCompress } from './ipv6-text';
import { optionTrue } from './options';
import { CompileDie, type NameTable } from './rule-spec';
import type {
  Family,
  IpSetDefinition,
  IpSetMember,
  RuleOrigin,
  SkippedRule,
} from './ruleset-types';

/** An entry as generate_ipset_chains reads it; Proxmox's own additions have no line. */
interface EntrySource {
  readonly cidr?: string;
  readonly nomatch: boolean;
  readonly error?: string;
  readonly origin?: RuleOrigin;
}

export type IpSetTables = Record<Family, Map<string, IpSetDefinition>>;

const CT_IPV4 = new RegExp(`^(${IPV4_RE})(?:/[0-9]+)?$`);
const CT_IPV6 = new RegExp(`^(${IPV6_RE})(?:/[0-9]+)?$`);

function fromConfig(path: string, entries: readonly IpSetEntry[]): EntrySource[] {
  return entries.map((e) => ({
    nomatch: e.nomatch,
    ...(e.cidr !== undefined ? { cidr: e.cidr } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    origin: {
      path,
      lineNumber: e.line.line.number,
      span: { start: e.line.line.start, end: e.line.line.start + e.line.line.content.length },
    },
  }));
}

/** resolve_alias as the ipset code calls it: without a cluster config, `local` is the cluster. */
function resolveAlias(
  cluster: NameTable | undefined,
  local: NameTable,
  name: string,
  scope: string,
): { cidr: string; ipversion: Family } {
  const [clusterTable, localTable] = cluster ? [cluster, local] : [local, undefined];
  const key = asciiLower(name);
  const found =
    (scope !== 'dc/' ? localTable?.aliases.get(key) : undefined) ??
    (scope !== 'guest/' ? clusterTable.aliases.get(key) : undefined);
  if (!found) throw new CompileDie(`no such alias '${name}'`);
  return found;
}

function roundPowerOf2(n: number): number {
  let v = n - 1;
  for (const shift of [1, 2, 4, 8, 16]) v |= v >> shift;
  return v + 1;
}

/** generate_ipset_chains: both families of each set, entries resolved and de-duplicated. */
function generateSets(
  ctx: CompileContext,
  out: IpSetTables,
  cluster: NameTable | undefined,
  local: NameTable,
  vmid: number,
  sets: ReadonlyMap<string, readonly EntrySource[]>,
  deviceIps?: ReadonlyMap<string, readonly EntrySource[]>,
): void {
  for (const [setName, own] of sets) {
    const nic = /^ipfilter-(net[0-9]+)$/.exec(setName)?.[1];
    const entries = [...own, ...((nic !== undefined ? deviceIps?.get(nic) : undefined) ?? [])];
    const byFamily: Record<Family, Map<string, boolean>> = { 4: new Map(), 6: new Map() };
    for (const entry of entries) {
      if (entry.error !== undefined || entry.cidr === undefined) continue;
      try {
        const alias = ALIAS_REF.exec(entry.cidr);
        const parsed = alias
          ? resolveAlias(cluster, local, alias[2]!, alias[1] ?? '')
          : parseIpOrCidr(entry.cidr);
        if (!parsed) {
          throw new CompileDie('value does not look like a valid IP address or CIDR network');
        }
        let cidr = parsed.cidr;
        if (parsed.ipversion === 6) {
          const [, address, prefix] = /^([^/]*)(\/.*)?$/.exec(cidr) ?? ['', cidr, undefined];
          cidr = `${asciiLower(netIpCompress(address))}${prefix ?? ''}`.replace(/\/128$/, '');
        } else {
          cidr = cidr.replace(/\/32$/, '');
        }
        byFamily[parsed.ipversion].set(cidr, entry.nomatch);
      } catch (error) {
        if (!(error instanceof CompileDie)) throw error;
        ctx.skip(error, undefined, `ipset ${setName}`, entry.origin);
      }
    }
    const hashsize = entries.length <= 64 ? 64 : roundPowerOf2(entries.length);
    for (const family of [4, 6] as const) {
      const name = ipsetKernelName(vmid, setName, family);
      const inet = family === 6 ? 'inet6' : 'inet';
      const commands = [
        `create ${name} hash:net family ${inet} hashsize ${hashsize} maxelem ${hashsize} bucketsize 12`,
      ];
      const members: IpSetMember[] = [];
      for (const cidr of [...byFamily[family].keys()].sort((a, b) =>
        a < b ? -1 : a > b ? 1 : 0,
      )) {
        const nomatch = byFamily[family].get(cidr)!;
        members.push({ cidr, nomatch });
        commands.push(`add ${name} ${cidr}${nomatch ? ' nomatch' : ''}`);
      }
      out[family].set(name, { name, setName, vmid, family, members, commands });
    }
  }
}

function guestSets(ctx: CompileContext, out: IpSetTables, guest: LocalGuest): void {
  const { config, path } = guest.source!;
  const implicit = new Map<string, EntrySource[]>();
  const deviceIps = new Map<string, EntrySource[]>();
  for (const nic of guest.nics) {
    if (!nic.firewall) continue;
    const setName = `ipfilter-${nic.name}`;
    // With `ipfilter: 1` every NIC is filtered, with an empty set where the file has none.
    if (optionTrue(config, 'ipfilter') && !config.ipsets.has(setName)) implicit.set(setName, []);
    const ips: EntrySource[] = [
      ...(nic.mac !== undefined ? [{ cidr: macToLinkLocal(nic.mac), nomatch: false }] : []),
      { cidr: 'fe80::/10', nomatch: true },
    ];
    if (guest.kind === 'ct') {
      const v4 = CT_IPV4.exec(nic.ip ?? '')?.[1];
      const v6 = CT_IPV6.exec(nic.ip6 ?? '')?.[1];
      if (v4 !== undefined) ips.push({ cidr: v4, nomatch: false });
      if (v6 !== undefined) ips.push({ cidr: v6, nomatch: false });
    }
    deviceIps.set(nic.name, ips);
  }
  const own = new Map([...config.ipsets].map(([n, s]) => [n, fromConfig(path, s.entries)]));
  generateSets(ctx, out, ctx.clusterNames, config, guest.vmid, own, deviceIps);
  generateSets(ctx, out, ctx.clusterNames, config, guest.vmid, implicit, deviceIps);
}

interface ClusterSets {
  readonly path: string;
  readonly aliases: unknown;
  readonly localNetwork: string;
  readonly sets: IpSetTables;
  readonly skipped: readonly SkippedRule[];
}

/**
 * The cluster's sets depend only on its [IPSET] sections, its aliases and the local network;
 * an editor re-analysing after each guest edit reuses them (and so their member lists, which
 * the analysis's set memberships are cached by) instead of rebuilding thousands of entries.
 */
const clusterSetsCache = new WeakMap<object, ClusterSets>();

function clusterSetsOf(ctx: CompileContext, out: IpSetTables): void {
  const { config, path } = ctx.cluster;
  let known = clusterSetsCache.get(config.ipsets);
  if (
    !known ||
    known.path !== path ||
    known.aliases !== config.aliases ||
    known.localNetwork !== ctx.localNetwork.cidr
  ) {
    const clusterSets = new Map(
      [...config.ipsets].map(([n, s]) => [n, fromConfig(path, s.entries)]),
    );
    // compile() and compile_ipsets() each add the local network to management.
    const localNet: EntrySource = { cidr: ctx.localNetwork.cidr, nomatch: false };
    clusterSets.set('management', [...(clusterSets.get('management') ?? []), localNet, localNet]);
    const sets: IpSetTables = { 4: new Map(), 6: new Map() };
    const before = ctx.skipped.length;
    generateSets(ctx, sets, undefined, ctx.clusterNames, 0, clusterSets);
    const skipped = ctx.skipped.splice(before);
    known = { path, aliases: config.aliases, localNetwork: ctx.localNetwork.cidr, sets, skipped };
    clusterSetsCache.set(config.ipsets, known);
  }
  for (const family of [4, 6] as const)
    for (const [name, def] of known.sets[family]) out[family].set(name, def);
  ctx.skipped.push(...known.skipped);
}

/** compile_ipsets: guests' sets, then cluster sets (with management), then SDN sets. */
export function compileIpSets(ctx: CompileContext): IpSetTables {
  const out: IpSetTables = { 4: new Map(), 6: new Map() };
  for (const guest of ctx.guests) if (guest.source) guestSets(ctx, out, guest);

  clusterSetsOf(ctx, out);

  const sdn = new Map<string, EntrySource[]>();
  for (const [name, cidrs] of ctx.input.sdnIpSets ?? []) {
    sdn.set(
      name,
      cidrs.map((raw) => ({ cidr: raw.replace(/^!/, ''), nomatch: raw.startsWith('!') })),
    );
  }
  generateSets(ctx, out, undefined, ctx.clusterNames, 0, sdn);
  return out;
}
