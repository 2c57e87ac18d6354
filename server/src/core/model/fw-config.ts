import type { FileKind } from './file-kind';
import type {
  AliasLine,
  FwSyntaxTree,
  HeaderLine,
  IpSetEntryLine,
  OptionLine,
  RuleLine,
} from '../syntax';
import type { VerifiedRule } from './verify-rule';

export interface AliasDef {
  /** Lower-cased: alias names are case-insensitive. */
  readonly key: string;
  readonly line: AliasLine;
  readonly cidr: string;
  readonly ipversion: 4 | 6;
}

export interface IpSetEntry {
  readonly line: IpSetEntryLine;
  /** Normalised address, or the alias reference as written. */
  readonly cidr?: string;
  readonly isAlias: boolean;
  readonly nomatch: boolean;
  /** Proxmox keeps the entry but never compiles it. */
  readonly error?: string;
}

export interface IpSetDef {
  readonly name: string;
  readonly header: HeaderLine;
  readonly entries: IpSetEntry[];
}

export interface RuleDef {
  readonly line: RuleLine;
  readonly verified: VerifiedRule;
}

export interface GroupDef {
  readonly name: string;
  readonly header: HeaderLine;
  readonly rules: RuleDef[];
}

export interface OptionDef {
  readonly value: string;
  readonly line: OptionLine;
}

/** One file's configuration as pve-firewall holds it after loading: dropped lines are absent. */
export interface FwConfig {
  readonly kind: FileKind;
  readonly tree: FwSyntaxTree;
  readonly options: Map<string, OptionDef>;
  readonly aliases: Map<string, AliasDef>;
  readonly ipsets: Map<string, IpSetDef>;
  readonly groups: Map<string, GroupDef>;
  readonly rules: RuleDef[];
  /** cluster.fw only: loading dies (invalid log_ratelimit), so nothing of it applies. */
  readonly unloadable: boolean;
}
