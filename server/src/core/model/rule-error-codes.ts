import type { ErrorField } from './verify-rule';

/** The stable code of a verify_rule error, by the field it is filed under and its message. */
export function ruleErrorCode(field: ErrorField, message: string): string {
  if (message.startsWith('missing property -')) return 'missing-protocol';
  if (message.includes('does not support ports')) return 'protocol-without-ports';
  if (message.includes('already define in macro')) return 'macro-conflict';
  if (message.startsWith('no such ipset')) return 'undefined-ipset';
  if (message.startsWith('no such alias')) return 'undefined-alias';
  if (message.startsWith('detected mixed')) return 'mixed-address-family';
  switch (field) {
    case 'type':
      return message.includes('-i not allowed') ? 'interface-not-allowed' : 'invalid-rule-type';
    case 'action':
      return 'invalid-action';
    case 'iface':
      return 'invalid-interface';
    case 'macro':
      return 'unknown-macro';
    case 'proto':
      return 'unknown-protocol';
    case 'dport':
    case 'sport':
      return 'invalid-port';
    case 'icmp-type':
      return 'invalid-icmp-type';
    case 'source':
    case 'dest':
      return 'invalid-address';
    case 'log':
      return 'invalid-log-level';
  }
}
