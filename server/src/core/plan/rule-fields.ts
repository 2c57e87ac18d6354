/** The fields of a rule as the API reads and writes them, in Proxmox's order. */
export const RULE_API_FIELDS = [
  'type',
  'action',
  'macro',
  'iface',
  'source',
  'dest',
  'proto',
  'dport',
  'sport',
  'log',
  'icmp-type',
  'comment',
  'enable',
] as const;

/** What makes two rules the same rule: everything but the comment and the enable flag. */
export const RULE_IDENTITY_FIELDS = RULE_API_FIELDS.slice(0, 11) as readonly Exclude<
  (typeof RULE_API_FIELDS)[number],
  'comment' | 'enable'
>[];
