import type { DiagnosticCode } from '../findings';
import type { ProxmoxVerdict } from '../findings';
import { parseIpOrCidr } from '../syntax';
import { asciiLower } from '../syntax';
import type { FwLine, FwSyntaxTree, IpSetEntryLine, RuleLine } from '../syntax';
import type { Span } from '../text';
import { ALIAS_REF } from './address-list';
import type { FileKind } from './file-kind';
import type { FwConfig, IpSetDef, IpSetEntry } from './fw-config';
import { verifyRule, type ParseTimeNames, type RuleEnv, type VerifiedRule } from './verify-rule';

/** What Proxmox does with one line, with its own message. */
export interface LineVerdict {
  readonly lineNumber: number;
  readonly verdict: ProxmoxVerdict;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span: Span;
}

/** A reference we could not check because the configuration that would define it is missing. */
export interface UnverifiedReference {
  readonly lineNumber: number;
  readonly name: string;
  readonly span: Span;
  readonly missing: 'cluster' | 'sdn';
}

export interface LoadContext {
  /** The loaded cluster.fw, for host, guest and vnet files; undefined when we do not have it. */
  readonly cluster?: FwConfig;
  /** Names of the SDN-generated ipsets when known; undefined when the SDN setup is unknown. */
  readonly sdnIpSets?: ReadonlySet<string>;
  /** Guest files are parsed as 'vm' or 'ct'; Proxmox's messages name it. */
  readonly guestEnv?: 'vm' | 'ct';
}

export interface LoadResult {
  readonly config: FwConfig;
  readonly verdicts: LineVerdict[];
  readonly unverified: UnverifiedReference[];
}

// Names SDN generates (<vnet>-all, -gateway, -no-gateway, -dhcp, guest-ipam-<vmid>).
const SDN_SET_NAME = /^(?:.+-(?:all|gateway|no-gateway|dhcp)|guest-ipam-[0-9]+)$/;

/** Whether only the SDN configuration could define an ipset of this name. */
export function isSdnSetName(name: string): boolean {
  return SDN_SET_NAME.test(name);
}

function envFor(kind: FileKind, context: LoadContext): RuleEnv {
  return kind === 'guest' ? (context.guestEnv ?? 'vm') : kind;
}

function emptyConfig(tree: FwSyntaxTree, kind: FileKind): FwConfig {
  return {
    kind,
    tree,
    options: new Map(),
    aliases: new Map(),
    ipsets: new Map(),
    groups: new Map(),
    rules: [],
    unloadable: false,
  };
}

/**
 * Loads one file as pve-firewall's generic_fw_config_parser does: top to bottom, each
 * reference checked against what is defined so far (in cluster.fw the file is its own cluster
 * config), every line's fate recorded. Never throws.
 */
export function loadFwConfig(
  tree: FwSyntaxTree,
  kind: FileKind,
  context: LoadContext = {},
): LoadResult {
  const config = emptyConfig(tree, kind);
  const verdicts: LineVerdict[] = [];
  const unverified: UnverifiedReference[] = [];
  const isCluster = kind === 'cluster';
  const cluster: FwConfig | undefined = isCluster ? config : context.cluster;
  const hasLocalNames = kind === 'cluster' || kind === 'guest';
  let unloadable = false;

  const verdict = (
    line: FwLine,
    v: ProxmoxVerdict,
    code: DiagnosticCode,
    message: string,
    span: Span,
  ): void => {
    verdicts.push({ lineNumber: line.line.number, verdict: v, code, message, span });
  };

  const sdnHas = (name: string): boolean | 'unknown' => {
    if (context.sdnIpSets) return context.sdnIpSets.has(name);
    return isSdnSetName(name) ? 'unknown' : false;
  };

  const namesFor = (env: RuleEnv): ParseTimeNames => {
    const local = env === 'group' || !hasLocalNames ? undefined : config;
    return {
      hasIpSet(name) {
        if (cluster?.ipsets.has(name) || local?.ipsets.has(name)) return true;
        const sdn = sdnHas(name);
        if (sdn === true) return true;
        return cluster === undefined || sdn === 'unknown' ? 'unknown' : false;
      },
      hasAlias(lower) {
        if (cluster?.aliases.has(lower) || local?.aliases.has(lower)) return true;
        return cluster === undefined ? 'unknown' : false;
      },
      aliasFamily(lower, scope) {
        const own = scope !== 'dc/' ? local?.aliases.get(lower) : undefined;
        const picked = own ?? (scope !== 'guest/' ? cluster?.aliases.get(lower) : undefined);
        return picked?.ipversion;
      },
    };
  };

  const loadRule = (line: RuleLine): VerifiedRule | undefined => {
    const { rule } = line;
    if (rule.error) {
      verdict(line, 'dropped', rule.error.code, rule.error.message, rule.error.span);
      return undefined;
    }
    const env: RuleEnv = line.group !== undefined ? 'group' : envFor(kind, context);
    const verified = verifyRule(rule, env, namesFor(env));
    if (verified.dropped) {
      verdict(
        line,
        'dropped',
        'mixed-address-family',
        verified.dropped.message,
        verified.dropped.span,
      );
      return undefined;
    }
    for (const error of verified.errors) {
      verdict(line, 'kept-with-errors', error.code, error.message, error.span);
    }
    for (const ref of verified.unverified) {
      const missing = cluster === undefined ? 'cluster' : 'sdn';
      unverified.push({ lineNumber: line.line.number, name: ref.name, span: ref.span, missing });
    }
    return verified;
  };

  let currentSet: IpSetDef | undefined;
  let seenEntries = new Set<string>();

  const loadEntry = (line: IpSetEntryLine): void => {
    const set = currentSet!;
    const whole = { start: line.line.start, end: line.line.start + line.line.content.length };
    let error: string | undefined;
    let code: DiagnosticCode = 'invalid-ipset-entry';
    let cidr = line.entryToken?.text;
    let isAlias = false;
    let errorSpan: Span = line.entryToken?.span ?? whole;
    const alias = cidr !== undefined ? ALIAS_REF.exec(cidr) : null;
    if (cidr === undefined) {
      error = 'value does not look like a valid IP address or CIDR network';
    } else if (alias) {
      isAlias = true;
      const lower = asciiLower(alias[2]!);
      const scope = alias[1] ?? '';
      // resolve_alias: in cluster.fw the file is both the local and the cluster config.
      const local = hasLocalNames ? config : undefined;
      const found =
        (scope !== 'dc/' ? local?.aliases.get(lower) : undefined) ??
        (scope !== 'guest/' ? cluster?.aliases.get(lower) : undefined);
      if (!found && cluster === undefined && scope !== 'guest/') {
        unverified.push({
          lineNumber: line.line.number,
          name: cidr,
          span: errorSpan,
          missing: 'cluster',
        });
      } else if (!found) {
        error = `no such alias '${alias[2]!}'`;
        code = 'undefined-alias';
      }
    } else {
      const parsed = parseIpOrCidr(cidr);
      if (!parsed) error = 'value does not look like a valid IP address or CIDR network';
      else cidr = parsed.cidr;
    }
    if (error === undefined && cidr !== undefined && seenEntries.has(cidr)) {
      error = `duplicate ipset entry for '${cidr}'`;
      code = 'duplicate-ipset-entry';
    }
    if (cidr !== undefined && /\/0+$/.test(cidr)) {
      error = 'a zero prefix is not allowed in ipset entries';
      code = 'zero-prefix-ipset-entry';
    }
    if (error !== undefined) {
      if (!line.entryToken) errorSpan = whole;
      verdict(line, 'entry-error', code, error, errorSpan);
    }
    const entry: IpSetEntry = {
      line,
      isAlias,
      nomatch: line.nomatch,
      ...(cidr !== undefined ? { cidr } : {}),
      ...(error !== undefined ? { error } : {}),
    };
    set.entries.push(entry);
    seenEntries.add(cidr ?? '');
  };

  for (const line of tree.lines) {
    switch (line.kind) {
      case 'comment':
      case 'blank':
        break;
      case 'no-section': {
        const span = { start: line.line.start, end: line.line.start + line.line.content.length };
        verdict(line, 'dropped', 'no-section', 'skip line - no section', span);
        break;
      }
      case 'header':
        if (line.error) {
          verdict(line, 'dropped', line.error.code, line.error.message, line.error.span);
          currentSet = undefined;
        } else if (line.section === 'ipset') {
          currentSet = { name: line.name!, header: line, entries: [] };
          config.ipsets.set(line.name!, currentSet);
          seenEntries = new Set();
        } else if (line.section === 'group') {
          config.groups.set(line.name!, { name: line.name!, header: line, rules: [] });
        }
        break;
      case 'option':
        if (line.error) {
          if (line.fatal) {
            unloadable = true;
            verdict(line, 'file-ignored', line.error.code, line.error.message, line.error.span);
          } else {
            verdict(line, 'dropped', line.error.code, line.error.message, line.error.span);
          }
        } else {
          config.options.set(line.key!, { value: line.value!, line });
        }
        break;
      case 'alias':
        if (line.malformed) {
          const span = { start: line.line.start, end: line.line.start + line.line.content.length };
          verdict(line, 'dropped', 'malformed-alias', 'alias line is not NAME ADDRESS', span);
        } else if (line.error) {
          verdict(line, 'dropped', line.error.code, line.error.message, line.error.span);
        } else {
          const key = asciiLower(line.nameToken!.text);
          config.aliases.set(key, { key, line, cidr: line.cidr!, ipversion: line.ipversion! });
        }
        break;
      case 'ipset-entry':
        loadEntry(line);
        break;
      case 'rule': {
        const verified = loadRule(line);
        if (!verified) break;
        const def = { line, verified };
        if (line.group !== undefined) config.groups.get(line.group)?.rules.push(def);
        else config.rules.push(def);
        break;
      }
    }
  }

  return { config: { ...config, unloadable }, verdicts, unverified };
}
