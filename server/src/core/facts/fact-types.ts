import type { FileKind } from './file-kinds';

/** One iptables rule a macro expands to; 'PARAM' stands for the user's value of that key. */
export interface MacroRuleTemplate {
  readonly action?: string;
  readonly proto?: string;
  readonly dport?: string;
  readonly sport?: string;
}

export interface MacroFact {
  readonly name: string;
  readonly description: string;
  /** 0: both families; 6: only produces rules in the IPv6 ruleset. */
  readonly ipVersion: number;
  readonly rules: readonly MacroRuleTemplate[];
  /** Replaces `rules` when compiling the IPv6 ruleset. */
  readonly ipv6Rules?: readonly MacroRuleTemplate[];
}

export interface OptionFact {
  readonly key: string;
  readonly kinds: readonly FileKind[];
  readonly description: string;
  readonly syntax: string;
  readonly semantics: string;
  readonly apiDefault: string | number | null;
  readonly effectiveDefault: string | number | null;
  readonly values: readonly string[] | null;
  readonly usedBy: string;
}

export interface ServiceFact {
  readonly name: string;
  readonly port: number;
  readonly protocols: readonly string[];
}

export interface ProtocolFact {
  readonly name: string;
  readonly number: number | null;
}

export interface EthertypeFact {
  readonly id: string;
  readonly name: string;
}
