import type { DiagnosticCode, ProxmoxVerdict } from '../findings';
import type { FwLine, FwSyntaxTree } from '../syntax';
import type { Span } from '../text';
import type { FileKind } from './file-kind';
import type { FwConfig, IpSetDef } from './fw-config';
import type { ParseTimeNames, RuleEnv } from './verify-rule';
import type { RuleJudgements } from './verify-rule-memo';

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

// Names SDN generates (<vnet>-all, -gateway, -no-gateway, -dhcp, guest-ipam-<vmid>).
const SDN_SET_NAME = /^(?:.+-(?:all|gateway|no-gateway|dhcp)|guest-ipam-[0-9]+)$/;

/** Whether only the SDN configuration could define an ipset of this name. */
export function isSdnSetName(name: string): boolean {
  return SDN_SET_NAME.test(name);
}

/**
 * One file being loaded top to bottom: what it defines so far, the fate of each line read, and
 * the names a reference may use at this point (Proxmox checks each against what came before).
 */
export class LoadState {
  readonly config: FwConfig;
  readonly verdicts: LineVerdict[] = [];
  readonly unverified: UnverifiedReference[] = [];
  /** In cluster.fw the file is its own cluster configuration. */
  readonly cluster: FwConfig | undefined;
  /** Whether the file's own aliases and ipsets resolve names (cluster and guest files). */
  readonly hasLocalNames: boolean;
  /** An option Proxmox cannot parse makes it ignore the whole file. */
  unloadable = false;
  /** The [IPSET] section entries are added to, and the entries it holds so far. */
  currentSet: IpSetDef | undefined;
  seenEntries = new Set<string>();

  constructor(
    tree: FwSyntaxTree,
    readonly kind: FileKind,
    readonly context: LoadContext,
    /** The file's judgements from its last load, when the caller keeps them (the editor). */
    readonly judgements?: RuleJudgements,
  ) {
    this.config = {
      kind,
      tree,
      options: new Map(),
      aliases: new Map(),
      ipsets: new Map(),
      groups: new Map(),
      rules: [],
      unloadable: false,
    };
    this.cluster = kind === 'cluster' ? this.config : context.cluster;
    this.hasLocalNames = kind === 'cluster' || kind === 'guest';
  }

  verdict(
    line: FwLine,
    verdict: ProxmoxVerdict,
    code: DiagnosticCode,
    message: string,
    span: Span,
  ): void {
    this.verdicts.push({ lineNumber: line.line.number, verdict, code, message, span });
  }

  /** The whole content of a line, for a verdict that has no narrower place. */
  wholeLine(line: FwLine): Span {
    return { start: line.line.start, end: line.line.start + line.line.content.length };
  }

  /** The environment verify_rule checks a rule of this file in. */
  env(): RuleEnv {
    return this.kind === 'guest' ? (this.context.guestEnv ?? 'vm') : this.kind;
  }

  private readonly names = new Map<RuleEnv, ParseTimeNames>();

  /**
   * What a rule checked in `env` may name at this point of the file: the answers read the
   * definitions as they grow, so one object per environment serves every line.
   */
  namesFor(env: RuleEnv): ParseTimeNames {
    let names = this.names.get(env);
    if (!names) this.names.set(env, (names = this.liveNames(env)));
    return names;
  }

  private liveNames(env: RuleEnv): ParseTimeNames {
    const local = env === 'group' || !this.hasLocalNames ? undefined : this.config;
    const cluster = this.cluster;
    const sdnHas = (name: string): boolean | 'unknown' => {
      if (this.context.sdnIpSets) return this.context.sdnIpSets.has(name);
      return isSdnSetName(name) ? 'unknown' : false;
    };
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
  }
}
