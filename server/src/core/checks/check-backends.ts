// What proxmox-firewall (the nftables backend) does with a file, for the nodes of the model that
// run it: the line that fails the whole file (and so the node's whole update), and the lines it
// reads differently from pve-firewall. Files no nftables node reads get nothing from here.
import { nodesReading, type ClusterFile, type ClusterModel, type ClusterNode } from '../model';
import type { FileKind } from '../model';
import { isSdnSetName } from '../model';
import { loadRustConfig, rustKnowsOption, type RustConfig } from '../nftables';
import { buildNodeRuleset } from '../nftables';
import { rustMacroNames } from '../nftables';
import type { IpAddrMatch, RustRule } from '../nftables';
import type { Span } from '../text';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../findings';
import type { Finding } from '../findings';

/** firewall: rule: skip rule on generation error instead of aborting (proxmox-firewall 1.2.3). */
const BEFORE_1_2_3 =
  "Before proxmox-firewall 1.2.3 a rule it cannot generate failed the node's whole update (the node kept its previous ruleset)";

/** Options pve-firewall reads that proxmox-firewall ignores (it has no such feature). */
const IGNORED_BY_NFTABLES: ReadonlySet<string> = new Set([
  'ebtables',
  'ips',
  'ips_queues',
  'layer2_protocols',
]);

function lineSpan(text: string, lineNumber: number): Span {
  const lines = text.split('\n');
  let start = 0;
  for (const before of lines.slice(0, Math.max(0, lineNumber - 1))) start += before.length + 1;
  const line = (lines[lineNumber - 1] ?? '').replace(/\r$/, '');
  const lead = line.length - line.trimStart().length;
  return { start: start + lead, end: start + line.trimEnd().length };
}

function names(nodes: readonly Pick<ClusterNode, 'name'>[]): string {
  return nodes.map((n) => n.name).join(', ');
}

function finding(
  code: DiagnosticCode,
  file: { text: string },
  lineNumber: number,
  message: string,
  hint: string,
): Finding {
  return {
    code,
    severity: DIAGNOSTIC_CODES[code].severity,
    message,
    hint,
    span: lineSpan(file.text, lineNumber),
    proxmox: code === 'nftables-load-error' ? 'file-fails' : null,
    related: [],
  };
}

/** What one failed file does to the nodes reading it. */
function failureConsequence(kind: FileKind, nodes: readonly Pick<ClusterNode, 'name'>[]): string {
  const who = nodes.length === 1 ? `node ${names(nodes)} keeps` : `nodes ${names(nodes)} keep`;
  const what =
    kind === 'cluster'
      ? 'cluster.fw fails to load, so every nftables node stops updating'
      : 'this file fails to load, and with it the whole firewall update';
  return (
    `${what}: ${who} the previous ruleset (after a reboot: none, every packet passes). ` +
    'proxmox-firewall logs "error updating firewall rules: …" every 5 seconds'
  );
}

/** Which file kinds a section or direction error concerns, for the message. */
function loadErrorHint(
  kind: FileKind,
  nodes: readonly Pick<ClusterNode, 'name'>[],
  others: boolean,
): string {
  const perl = others ? ' pve-firewall nodes reading it go on with the other lines.' : '';
  return `${failureConsequence(kind, nodes)}.${perl}`;
}

type FileText = Pick<ClusterFile, 'path' | 'text' | 'kind'>;

interface Context {
  readonly file: FileText;
  readonly config: RustConfig;
  readonly cluster: RustConfig | undefined;
  readonly nft: readonly Pick<ClusterNode, 'name'>[];
  readonly out: Finding[];
  /** The nodes' whole updates are checked too (checkBackends): a missing group is reported there. */
  readonly updates: boolean;
}

function differs(ctx: Context, lineNumber: number, message: string, hint: string): void {
  ctx.out.push(finding('nftables-differs', ctx.file, lineNumber, message, hint));
}

function addressFamily(m: IpAddrMatch | undefined, ctx: Context): 4 | 6 | undefined {
  if (!m) return undefined;
  if (m.kind === 'ip') return m.list.family;
  if (m.kind === 'alias') {
    const own = ctx.config.aliases.get(m.alias.name)?.value;
    const dc = ctx.cluster?.aliases.get(m.alias.name)?.value;
    return (m.alias.kind === 'scoped' && m.alias.scope === 'dc' ? dc : (own ?? dc))?.address.family;
  }
  return undefined;
}

function checkRule(ctx: Context, rule: RustRule, lineNumber: number, raw: string): void {
  const body = rule.body;
  if (body.kind === 'group') {
    const groups = ctx.cluster?.groups;
    if (groups && !ctx.updates && !groups.has(body.group)) {
      const other = [...groups.keys()].find((g) => g.toLowerCase() === body.group.toLowerCase());
      if (other !== undefined)
        differs(
          ctx,
          lineNumber,
          `proxmox-firewall: no group '${body.group}' (group names keep their case: [group ${other}])`,
          `pve-firewall lower-cases the header and looks the rule's name up as written; proxmox-firewall keeps both as written and jumps to a chain that does not exist, which nft refuses: the node's whole update fails. Portable: the name in lower case, in the header and in every GROUP rule`,
        );
    }
    return;
  }
  const proto = body.proto;
  const hasPorts = /(^|\s)--?(dport|sport)\s/.test(raw);
  const hasIcmpType = /(^|\s)--?icmp-type\s/.test(raw);
  if (!proto && hasPorts && !body.macro)
    differs(
      ctx,
      lineNumber,
      'proxmox-firewall drops -dport/-sport without -p: this rule matches every protocol and port',
      'pve-firewall never applies the rule (missing protocol); proxmox-firewall applies it without the ports. Portable: add -p tcp or -p udp',
    );
  if (proto && (proto.kind === 'icmp' || proto.kind === 'icmpv6') && hasPorts)
    differs(
      ctx,
      lineNumber,
      `proxmox-firewall ignores -dport/-sport with -p ${proto.kind}: this rule matches all ${proto.kind === 'icmp' ? 'ICMP' : 'ICMPv6'}`,
      'pve-firewall reads -dport as the ICMP type; proxmox-firewall only reads -icmp-type. Portable: -icmp-type',
    );
  if (proto && proto.kind !== 'icmp' && proto.kind !== 'icmpv6' && hasIcmpType)
    differs(
      ctx,
      lineNumber,
      'proxmox-firewall ignores -icmp-type with a protocol other than icmp/icmpv6',
      'The rule matches the protocol with any type. Portable: remove -icmp-type or use -p icmp',
    );
  if (body.macro !== undefined && !rustMacroNames().has(body.macro)) {
    const exact = [...rustMacroNames()].find((m) => m.toLowerCase() === body.macro!.toLowerCase());
    differs(
      ctx,
      lineNumber,
      `proxmox-firewall skips this rule: cannot find macro ${body.macro}`,
      exact !== undefined
        ? `Macro names are case-sensitive there. Portable: ${exact}`
        : `proxmox-firewall logs "skipping rule" and builds the rest. ${BEFORE_1_2_3}`,
    );
  }
  if (ctx.file.kind === 'guest' && body.dir === 'in' && body.verdict === 'REJECT')
    differs(
      ctx,
      lineNumber,
      'proxmox-firewall turns REJECT into DROP for packets to a guest',
      'The sender gets no reply; pve-firewall answers with a reject. Portable: DROP',
    );
  const v4Only = proto?.kind === 'icmp';
  const macroV6 = body.macro !== undefined && ['Ping', 'Trcrt'].includes(body.macro);
  for (const [side, m] of [
    ['-source', body.ip?.src],
    ['-dest', body.ip?.dst],
  ] as const) {
    const family = addressFamily(m, ctx);
    if (family === 4 && (proto?.kind === 'icmpv6' || macroV6))
      differs(
        ctx,
        lineNumber,
        `proxmox-firewall drops the IPv4 ${side} from the ICMPv6 part of this rule: ICMPv6 matches from any address`,
        `${macroV6 ? `The ${body.macro} macro has an ICMPv6 part too; ` : ''}pve-firewall builds no IPv6 rule here. Portable: give -p icmp explicitly`,
      );
    if (family === 6 && v4Only)
      differs(
        ctx,
        lineNumber,
        `proxmox-firewall drops the IPv6 ${side} from this ICMP rule`,
        'pve-firewall refuses the mixed families; proxmox-firewall matches ICMP from any IPv4 address',
      );
  }
  for (const m of [body.ip?.src, body.ip?.dst]) {
    if (m?.kind !== 'set') continue;
    checkSetReference(ctx, lineNumber, m.set);
  }
}

function checkSetReference(
  ctx: Context,
  lineNumber: number,
  set: Extract<IpAddrMatch, { kind: 'set' }>['set'],
): void {
  if (set.kind === 'scoped' && set.scope === 'sdn') return;
  const own = ctx.file.kind === 'guest' ? ctx.config.ipsets : undefined;
  const dc = ctx.cluster?.ipsets;
  const scope = set.kind === 'scoped' ? set.scope : undefined;
  const pools = scope === 'dc' ? [dc] : scope === 'guest' ? [own] : [own, dc];
  if (pools.some((p) => p?.has(set.name))) return;
  if (!pools.some((p) => p !== undefined)) return;
  const other = pools
    .flatMap((p) => [...(p?.keys() ?? [])])
    .find((n) => n.toLowerCase() === set.name.toLowerCase());
  // pve-firewall lower-cases the header and looks a reference up as written: only a lower-case
  // reference finds a mixed-case header there (parse_ipset_section, `lc`); any other spelling
  // is skipped by both backends.
  if (other === undefined || set.name !== set.name.toLowerCase()) return;
  differs(
    ctx,
    lineNumber,
    `proxmox-firewall skips this rule: could not find ipset ${set.name} (ipset names keep their case: [IPSET ${other}])`,
    `pve-firewall lower-cases ipset names, so both spell the same set there. Portable: write the header and every reference in lower case. ${BEFORE_1_2_3}`,
  );
}

function checkOptions(ctx: Context): void {
  for (const [key, { lineNumber }] of ctx.config.rawOptions) {
    const lower = key.toLowerCase();
    if (IGNORED_BY_NFTABLES.has(key)) {
      ctx.out.push(
        finding(
          'nftables-ignores',
          ctx.file,
          lineNumber,
          `proxmox-firewall ignores the option '${key}'`,
          `Only pve-firewall (iptables) has ${key === 'ebtables' ? 'ebtables rules' : key === 'layer2_protocols' ? 'layer-2 protocol filtering' : 'the IPS (NFQUEUE) feature'}`,
        ),
      );
    } else if (rustKnowsOption(ctx.file.kind, key)) continue;
    else if (lower !== key && rustKnowsOption(ctx.file.kind, lower))
      differs(
        ctx,
        lineNumber,
        `proxmox-firewall ignores '${key}': option keys are case-sensitive there`,
        `It reads only '${lower}'${lower === 'enable' && ctx.file.kind !== 'host' ? ': without it the firewall of this file is off' : ''}. Portable: ${lower}`,
      );
  }
}

function checkNomatch(ctx: Context): void {
  for (const set of ctx.config.ipsets.values()) {
    const cidrs = set.entries.filter((e) => e.value.address.kind === 'cidr');
    for (const narrow of cidrs) {
      if (narrow.value.nomatch || narrow.value.address.kind !== 'cidr') continue;
      const inner = narrow.value.address.cidr;
      const wider = cidrs.find(
        (e) =>
          e.value.nomatch &&
          e.value.address.kind === 'cidr' &&
          e.value.address.cidr.family === inner.family &&
          e.value.address.cidr.mask < inner.mask &&
          covers(e.value.address.cidr, inner),
      );
      if (!wider) continue;
      differs(
        ctx,
        narrow.lineNumber,
        `proxmox-firewall: this entry never matches; the wider nomatch entry on line ${wider.lineNumber} excludes it`,
        'nftables checks "in the set and not in the nomatch set"; pve-firewall (ipset hash:net) lets the more specific entry win. Portable: split the nomatch entry around this one',
      );
    }
  }
}

function covers(
  wide: { address: bigint; mask: number; family: 4 | 6 },
  narrow: { address: bigint; mask: number },
): boolean {
  const bits = BigInt((wide.family === 4 ? 32 : 128) - wide.mask);
  return wide.address >> bits === narrow.address >> bits;
}

/** A file's findings for its nftables readers (`nft` non-empty), given the cluster's Rust load. */
export function nftablesFileFindings(
  file: FileText,
  nft: readonly Pick<ClusterNode, 'name'>[],
  iptablesReaders: number,
  cluster: RustConfig | undefined,
  updates = false,
): Finding[] {
  const loaded = loadRustConfig(file.text, file.kind);
  if (!loaded.ok) {
    const line = loaded.error.lineNumber ?? 1;
    return [
      finding(
        'nftables-load-error',
        file,
        line,
        loaded.error.message,
        loadErrorHint(file.kind, nft, iptablesReaders > 0),
      ),
    ];
  }
  const out: Finding[] = [];
  const ctx: Context = { file, config: loaded.config, cluster, nft, out, updates };
  const lines = file.text.split('\n');
  const ruleLines = [
    ...loaded.config.rules,
    ...[...loaded.config.groups.values()].flatMap((g) => g.rules),
  ];
  for (const { value, lineNumber } of ruleLines)
    if (!value.disabled) checkRule(ctx, value, lineNumber, lines[lineNumber - 1] ?? '');
  checkOptions(ctx);
  checkNomatch(ctx);
  return out;
}

/**
 * A file checked on its own with `--backend nftables`: its node is unknown, so the findings
 * speak of "its node".
 */
export function loneNftablesFindings(
  source: { path: string; text: string },
  kind: FileKind,
  cluster: { text: string } | undefined,
): Finding[] {
  const clusterLoad =
    cluster && kind !== 'cluster' ? loadRustConfig(cluster.text, 'cluster') : undefined;
  const against = clusterLoad?.ok ? clusterLoad.config : undefined;
  return nftablesFileFindings({ ...source, kind }, [{ name: 'of this file' }], 0, against);
}

/** Every nftables finding of the model, by file path. */
export function checkBackends(model: ClusterModel): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  // Every finding here is about what a node on proxmox-firewall does with a file: without such
  // a node there is nothing to find, and cluster.fw need not be read the Rust way (a tenth of
  // the check of a 20,000-rule cluster.fw).
  if (!model.nodes.some((n) => n.backend === 'proxmox-firewall')) return out;
  const clusterLoad = model.cluster ? loadRustConfig(model.cluster.text, 'cluster') : undefined;
  const cluster = clusterLoad?.ok ? clusterLoad.config : undefined;
  const files: ClusterFile[] = [
    ...(model.cluster ? [model.cluster] : []),
    ...model.nodes.flatMap((n) => (n.host ? [n.host] : [])),
    ...model.guests.flatMap((g) => (g.file ? [g.file] : [])),
    ...model.vnets.map((v) => v.file),
  ];
  for (const file of files) {
    const readers = nodesReading(model, file);
    const nft = readers.filter((n) => n.backend === 'proxmox-firewall');
    if (nft.length === 0) continue;
    const iptables = readers.length - nft.length;
    out.set(file.path, nftablesFileFindings(file, nft, iptables, cluster, true));
  }
  for (const [path, findings] of updateFindings(model, cluster, files, out)) {
    const list = out.get(path);
    if (list) list.push(...findings);
    else out.set(path, findings);
  }
  return out;
}

/** Where several nodes meet the same failure or skip: the line, what happens, and who. */
interface NodeEvent {
  readonly code: 'nftables-update-error' | 'nftables-skips';
  readonly path: string;
  readonly lineNumber: number;
  readonly message: string;
  readonly nodes: string[];
}

/**
 * What each nftables node's whole update does with the files (nftables/ruleset.ts): a line on
 * which the update fails (proxmox-firewall aborts it, or nft refuses the batch), and the rules
 * it skips. Lines that already have an nftables finding are not reported twice.
 */
function updateFindings(
  model: ClusterModel,
  cluster: RustConfig | undefined,
  files: readonly ClusterFile[],
  already: ReadonlyMap<string, Finding[]>,
): Map<string, Finding[]> {
  const events = new Map<string, NodeEvent>();
  const note = (event: Omit<NodeEvent, 'nodes'>, node: string): void => {
    const key = `${event.code} ${event.path}:${event.lineNumber} ${event.message}`;
    const known = events.get(key);
    if (known) known.nodes.push(node);
    else events.set(key, { ...event, nodes: [node] });
  };
  for (const node of model.nodes) {
    if (node.backend !== 'proxmox-firewall') continue;
    const built = buildNodeRuleset(model, node);
    const r = built.ruleset;
    if (r.state === 'stale' && r.cause === 'update' && r.path !== undefined)
      note(
        {
          code: 'nftables-update-error',
          path: r.path,
          lineNumber: r.lineNumber ?? 1,
          message: r.message,
        },
        node.name,
      );
    for (const skip of built.skipped)
      note(
        {
          code: 'nftables-skips',
          path: skip.origin.path,
          lineNumber: skip.origin.lineNumber,
          message: skip.message.replace(/^skipping rule: /, ''),
        },
        node.name,
      );
  }
  const out = new Map<string, Finding[]>();
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const e of events.values()) {
    const file = byPath.get(e.path);
    if (!file) continue;
    const span = lineSpan(file.text, e.lineNumber);
    const taken = (already.get(e.path) ?? []).some(
      (f) => f.code.startsWith('nftables-') && f.span.start === span.start,
    );
    if (taken) continue;
    const nodes = e.nodes.map((name) => ({ name }));
    const found =
      e.code === 'nftables-update-error'
        ? finding(
            e.code,
            file,
            e.lineNumber,
            `proxmox-firewall's update fails on this line: ${e.message}`,
            updateErrorHint(e.message, nodes, cluster),
          )
        : finding(
            e.code,
            file,
            e.lineNumber,
            `proxmox-firewall skips this rule: ${e.message}`,
            skipHint(e.message, nodes, file, cluster),
          );
    const list = out.get(e.path);
    if (list) list.push(found);
    else out.set(e.path, [found]);
  }
  return out;
}

function who(nodes: readonly Pick<ClusterNode, 'name'>[], one: string, many: string): string {
  return nodes.length === 1 ? `Node ${names(nodes)} ${one}` : `Nodes ${names(nodes)} ${many}`;
}

function updateErrorHint(
  message: string,
  nodes: readonly Pick<ClusterNode, 'name'>[],
  cluster: RustConfig | undefined,
): string {
  const head = `${who(nodes, 'keeps', 'keep')} the previous ruleset (after a reboot: none, every packet passes); proxmox-firewall logs "error updating firewall rules: …" every 5 seconds`;
  const group = /jump group-(.+)-(?:in|out|forward): no such chain/.exec(message)?.[1];
  if (group !== undefined) {
    const other = [...(cluster?.groups.keys() ?? [])].find(
      (g) => g.toLowerCase() === group.toLowerCase(),
    );
    return other !== undefined
      ? `${head}. Group names keep their case there ([group ${other}]); pve-firewall lower-cases the header and looks the rule's name up as written. Portable: the name in lower case, in the header and in every GROUP rule`
      : `${head}. proxmox-firewall jumps to a group no file defines, and nft refuses the whole batch; pve-firewall skips the rule alone`;
  }
  if (message.startsWith('Could not resolve protocol name'))
    return `${head}. nft looks the name up in /etc/protocols, case for case; proxmox-firewall passes any name on. Portable: the lower-case name (tcp, udp, esp, …) or the number`;
  if (message.startsWith('String exceeds maximum length'))
    return `${head}. An interface name has at most 15 characters`;
  if (message.startsWith('could not find alias'))
    return `${head}. An ipset entry must name an alias the file or cluster.fw defines; pve-firewall drops the entry alone`;
  return head;
}

function skipHint(
  message: string,
  nodes: readonly Pick<ClusterNode, 'name'>[],
  file: FileText,
  cluster: RustConfig | undefined,
): string {
  const head = `${who(nodes, 'builds', 'build')} the rest of the ruleset. ${BEFORE_1_2_3}`;
  const set = /^could not find ipset (.+)$/.exec(message)?.[1];
  if (set !== undefined && !set.includes('/') && isSdnSetName(set))
    return `${head}. An unscoped name is looked up in the guest's and the cluster's ipsets only, never among those SDN generates. Portable: +sdn/${set}. Before proxmox-firewall 1.2.0 an unscoped ipset or alias name failed the whole file`;
  if (set !== undefined) {
    const bare = set.replace(/^(?:dc|guest|sdn)\//, '');
    const own = file.kind === 'guest' ? loadRustConfig(file.text, file.kind) : undefined;
    const local = own?.ok ? [...own.config.ipsets.keys()] : [];
    const other = [...local, ...(cluster?.ipsets.keys() ?? [])].find(
      (n) => n !== bare && n.toLowerCase() === bare.toLowerCase(),
    );
    if (other !== undefined)
      return `${head}. Ipset names keep their case there ([IPSET ${other}]). Portable: the header and every reference in lower case`;
  }
  return head;
}

/** Whether only nftables nodes read a file (pve-firewall's verdicts then describe GUI writes). */
export function onlyNftablesReads(
  model: ClusterModel,
  file: ClusterFile,
): ClusterNode[] | undefined {
  const readers = nodesReading(model, file);
  if (readers.length === 0 || readers.some((n) => n.backend !== 'proxmox-firewall'))
    return undefined;
  return readers;
}
