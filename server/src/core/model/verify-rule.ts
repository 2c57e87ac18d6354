import type { DiagnosticCode } from '../findings';
import { ACCEPTED_PROTOCOL_NUMBERS, PROTOCOLS } from '../facts';
import { NAME_PATTERN } from '../syntax';
import { asciiLower, perlTrue } from '../syntax';
import type { RuleField, RuleSyntax, Token } from '../syntax';
import type { Span } from '../text';
import { ALIAS_REF, IPSET_NAME_REF, parseAddressList } from './address-list';
import { findMacro, macroConflict } from './macros';
import {
  ICMP_NAMES,
  ICMPV6_NAMES,
  PROTOCOLS_WITH_PORTS,
  isIcmpProtocol,
  portListError,
} from './ports';

/** Where a rule stands, as verify_rule's rule_env names it. */
export type RuleEnv = 'cluster' | 'host' | 'vm' | 'ct' | 'vnet' | 'group';

/** The fields verify_rule files its errors under. */
export type ErrorField = RuleField | 'type' | 'action' | 'macro';

export interface FieldError {
  readonly field: ErrorField;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span: Span;
}

/** The code of an error by the field verify_rule files it under, unless the error says another. */
const FIELD_CODES: Readonly<Record<ErrorField, DiagnosticCode>> = {
  type: 'invalid-rule-type',
  action: 'invalid-action',
  macro: 'unknown-macro',
  iface: 'invalid-interface',
  proto: 'unknown-protocol',
  dport: 'invalid-port',
  sport: 'invalid-port',
  'icmp-type': 'invalid-icmp-type',
  source: 'invalid-address',
  dest: 'invalid-address',
  log: 'invalid-log-level',
};

/** What the names a rule may reference resolve to while Proxmox parses (scope ignored). */
export interface ParseTimeNames {
  /** True, false, or 'unknown' when only a configuration we do not have could define it. */
  hasIpSet(name: string): boolean | 'unknown';
  hasAlias(lowerName: string): boolean | 'unknown';
  /** The family of the alias the scope picks (`dc/`, `guest/` or none), if any. */
  aliasFamily(lowerName: string, scope: string): 4 | 6 | undefined;
}

export interface VerifiedRule {
  readonly errors: readonly FieldError[];
  readonly ipversion?: 4 | 6;
  /** Canonical macro name when the macro exists. */
  readonly macro?: string;
  /** Names that could not be checked because a configuration is missing. */
  readonly unverified: readonly { field: 'source' | 'dest'; name: string; span: Span }[];
  /** verify_rule died: an alias brought a second family. Proxmox drops the line. */
  readonly dropped?: { readonly message: string; readonly span: Span };
}

const DIRECTIONS: Record<RuleEnv, readonly string[]> = {
  vm: ['in', 'out', 'group'],
  ct: ['in', 'out', 'group'],
  group: ['in', 'out', 'forward'],
  cluster: ['in', 'out', 'forward', 'group'],
  host: ['in', 'out', 'forward', 'group'],
  vnet: ['forward', 'group'],
};
const IFACE_ALLOWED: Record<RuleEnv, boolean> = {
  vm: true,
  ct: true,
  group: false,
  vnet: false,
  cluster: true,
  host: true,
};
const IFACE_PATTERN = /^[a-z][a-z0-9_]{1,20}([:.][0-9]+)?$/i;
const KNOWN_PROTOCOLS = new Set<string>([
  ...PROTOCOLS.map((p) => p.name),
  ...ACCEPTED_PROTOCOL_NUMBERS.map(String),
  'icmpv6',
]);

// Proxmox raises this with die() outside verify_rule's error collection; we unwind the same way.
class MixedFamily extends Error {
  constructor(readonly span: Span) {
    super('detected mixed ipv4/ipv6 addresses in rule');
  }
}

/**
 * A port of pve-firewall's verify_rule in "collect errors" mode: each field keeps its first
 * error, checks run in Proxmox's order, and the rule's address family is worked out.
 */
export function verifyRule(rule: RuleSyntax, env: RuleEnv, names: ParseTimeNames): VerifiedRule {
  const errors = new Map<ErrorField, FieldError>();
  const unverified: { field: 'source' | 'dest'; name: string; span: Span }[] = [];
  const opt = rule.options;
  const value = (field: RuleField): string | undefined => opt[field]?.value.text;
  const valueSpan = (field: RuleField): Span => opt[field]!.value.span;
  const optionSpan = (field: RuleField): Span => ({
    start: opt[field]!.flag.span.start,
    end: opt[field]!.value.span.end,
  });
  const add = (
    field: ErrorField,
    message: string,
    span: Span,
    code: DiagnosticCode = FIELD_CODES[field],
  ): void => {
    if (!errors.has(field)) errors.set(field, { field, code, message, span });
  };
  const typeSpan = (rule.typeToken as Token).span;
  const actionSpan = (rule.actionToken as Token).span;

  let ipversion: 4 | 6 | undefined;
  const setVersion = (version: 4 | 6 | undefined, span: Span): void => {
    if (!version) return;
    if (ipversion && version !== ipversion) throw new MixedFamily(span);
    ipversion = version;
  };

  const checkReference = (field: 'source' | 'dest'): void => {
    const text = value(field);
    if (!perlTrue(text)) return;
    const span = valueSpan(field);
    if (text.startsWith('+')) {
      const match = IPSET_NAME_REF.exec(text);
      if (!match) {
        add(field, `invalid ipset name '${text}'`, span);
        return;
      }
      const found = names.hasIpSet(match[2]!);
      if (found === 'unknown') unverified.push({ field, name: text, span });
      else if (!found) add(field, `no such ipset '${match[2]!}'`, span, 'undefined-ipset');
      return;
    }
    const alias = ALIAS_REF.exec(text);
    if (!alias) return;
    const lower = asciiLower(alias[2]!);
    const found = names.hasAlias(lower);
    if (found === 'unknown') unverified.push({ field, name: text, span });
    else if (!found) add(field, `no such alias '${text}'`, span, 'undefined-alias');
    setVersion(names.aliasFamily(lower, alias[1] ?? ''), span);
  };

  const type = rule.type!;
  const action = rule.action!;
  // Perl's truth: a type or action written as "0" counts as missing.
  if (!perlTrue(type)) add('type', 'missing property', typeSpan);
  if (!perlTrue(action)) add('action', 'missing property', actionSpan);
  if (perlTrue(type)) {
    if (!DIRECTIONS[env].includes(type))
      add('type', `invalid rule type '${type}' for rule_env '${env}'`, typeSpan);
    if (type === 'in' || type === 'out' || type === 'forward') {
      if (type === 'forward' && action === 'REJECT')
        add('action', 'cannot define REJECT rules on forward chain', actionSpan);
      if (perlTrue(action) && !/^(ACCEPT|DROP|REJECT)$/.test(action))
        add('action', `unknown action '${action}'`, actionSpan);
    } else if (type === 'group') {
      if (env === 'group') add('type', 'security groups not allowed', typeSpan);
      if (perlTrue(action) && !NAME_PATTERN.test(action))
        add('action', 'invalid characters in security group name', actionSpan);
    } else {
      add('type', `unknown rule type '${type}'`, typeSpan);
    }
  }

  const iface = value('iface');
  if (perlTrue(iface)) {
    if (!IFACE_ALLOWED[env])
      add(
        'type',
        'parameter -i not allowed for this rule type',
        optionSpan('iface'),
        'interface-not-allowed',
      );
    if (!IFACE_PATTERN.test(iface))
      add('iface', `invalid network interface name '${iface}'`, valueSpan('iface'));
    if ((env === 'vm' || env === 'ct') && !/^net([0-9]+)$/.test(iface)) {
      add('iface', "value does not match the regex pattern 'net\\d+'", valueSpan('iface'));
    }
  }

  let macro: string | undefined;
  if (rule.macroToken) {
    const found = findMacro(rule.macroToken.text);
    if (found) macro = found.name;
    else add('macro', `unknown macro '${rule.macroToken.text}'`, rule.macroToken.span);
  }

  try {
    const proto = value('proto');
    let icmp = false;
    if (perlTrue(proto)) {
      if (!KNOWN_PROTOCOLS.has(proto))
        add('proto', `unknown protocol '${proto}'`, valueSpan('proto'));
      if (proto === 'icmp') setVersion(4, valueSpan('proto'));
      if (proto === 'icmpv6' || proto === 'ipv6-icmp') setVersion(6, valueSpan('proto'));
      icmp = isIcmpProtocol(proto);
    }
    const protoText = proto ?? '';

    const dport = value('dport');
    if (perlTrue(dport)) {
      const problem = portListError(dport, icmp);
      if (problem) add('dport', problem, valueSpan('dport'));
      if (!perlTrue(proto))
        add(
          'proto',
          "missing property - 'dport' requires this property",
          optionSpan('dport'),
          'missing-protocol',
        );
      if (!PROTOCOLS_WITH_PORTS.has(protoText) && !icmp) {
        add(
          'dport',
          `protocol '${protoText}' does not support ports`,
          valueSpan('dport'),
          'protocol-without-ports',
        );
      }
    }

    const icmpType = value('icmp-type');
    if (perlTrue(icmpType)) {
      const span = valueSpan('icmp-type');
      if (!icmp)
        add(
          'proto',
          "missing property - 'icmp-type' requires this property",
          optionSpan('icmp-type'),
          'missing-protocol',
        );
      if (perlTrue(dport))
        add('icmp-type', "'icmp-type' cannot be specified together with 'dport'", span);
      if (proto === 'icmp' && !ICMP_NAMES.has(icmpType)) {
        add('icmp-type', `invalid icmp-type '${icmpType}' for proto 'icmp'`, span);
      } else if ((proto === 'icmpv6' || proto === 'ipv6-icmp') && !ICMPV6_NAMES.has(icmpType)) {
        add('icmp-type', `invalid icmp-type '${icmpType}' for proto '${proto}'`, span);
      }
    }

    const sport = value('sport');
    if (perlTrue(sport)) {
      const problem = portListError(sport, false);
      if (problem) add('sport', problem, valueSpan('sport'));
      if (!perlTrue(proto))
        add(
          'proto',
          "missing property - 'sport' requires this property",
          optionSpan('sport'),
          'missing-protocol',
        );
      if (!PROTOCOLS_WITH_PORTS.has(protoText))
        add(
          'sport',
          `protocol '${protoText}' does not support ports`,
          valueSpan('sport'),
          'protocol-without-ports',
        );
    }

    for (const field of ['source', 'dest'] as const) {
      const text = value(field);
      if (!perlTrue(text)) continue;
      const parsed = parseAddressList(text);
      if (!parsed.ok)
        add(field, parsed.message, valueSpan(field), parsed.code ?? FIELD_CODES[field]);
      else {
        try {
          setVersion(parsed.ipversion, valueSpan(field));
        } catch (err) {
          if (!(err instanceof MixedFamily)) throw err;
          add(
            field,
            'detected mixed ipv4/ipv6 addresses in rule',
            valueSpan(field),
            'mixed-address-family',
          );
        }
      }
      checkReference(field);
    }
  } catch (err) {
    if (err instanceof MixedFamily) {
      return {
        errors: [],
        unverified,
        dropped: { message: 'detected mixed ipv4/ipv6 addresses in rule', span: err.span },
      };
    }
    throw err;
  }

  if (macro && errors.size === 0) {
    const given: Record<string, string> = {};
    for (const field of ['proto', 'dport', 'sport'] as const) {
      const text = value(field);
      if (text !== undefined) given[field] = text;
    }
    const conflict = macroConflict(findMacro(macro)!, ipversion, given);
    if (conflict) {
      const field = conflict.key as RuleField;
      add(
        field,
        `parameter '${conflict.key}' already define in macro (value = '${conflict.templateValue}')`,
        valueSpan(field),
        'macro-conflict',
      );
    }
  }

  return {
    errors: [...errors.values()],
    unverified,
    ...(ipversion ? { ipversion } : {}),
    ...(macro ? { macro } : {}),
  };
}
