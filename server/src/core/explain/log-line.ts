// One line of pve-firewall's log (/var/log/pve-firewall.log, or the same text in the journal):
// pvefw-logger writes `VMID LEVEL CHAIN DD/Mon/YYYY:HH:MM:SS +ZZZZ MESSAGE` (the message is
// Proxmox's log prefix, `policy DROP: `, `DROP: `, `ACCEPT: `…), then the kernel's fields
// `IN= OUT= PHYSIN= PHYSOUT= MAC= SRC= DST= … PROTO= SPT= DPT=` or `TYPE= CODE=` (see
// pve-firewall's src/pvefw-logger.c, print_pkt and the print_* helpers). Read word by word: no
// pattern on the line may backtrack.

export interface LoggedPacket {
  /** 0 for the host's chains. */
  readonly vmid: number;
  readonly chain: string;
  /** What Proxmox's log prefix says: `DROP`, `ACCEPT`, `REJECT`, `policy DROP`… */
  readonly message: string;
  /** The action the line reports, when its message names one. */
  readonly action?: 'ACCEPT' | 'DROP' | 'REJECT';
  readonly byPolicy: boolean;
  readonly time?: string;
  readonly family: 4 | 6;
  readonly source: string;
  readonly dest: string;
  /** Lower case, as the simulator names protocols (`tcp`, `udp`, `icmp`, `icmpv6`, or a number). */
  readonly proto: string;
  readonly sport?: number;
  readonly dport?: number;
  readonly icmp?: { readonly type: number; readonly code: number };
  /** TCP flags present (SYN, ACK, RST, FIN…). */
  readonly flags: readonly string[];
  readonly devices: {
    readonly in?: string;
    readonly out?: string;
    readonly physIn?: string;
    readonly physOut?: string;
  };
}

export type ParsedLogLine =
  | { readonly ok: true; readonly packet: LoggedPacket }
  | { readonly ok: false; readonly error: string };

const MONTHS = new Set([
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]);

function isDigits(word: string | undefined): boolean {
  if (word === undefined || word.length === 0) return false;
  for (const ch of word) if (ch < '0' || ch > '9') return false;
  return true;
}

/** `03/Dec/2026:13:56:43` */
function isLogTime(word: string | undefined): boolean {
  if (word === undefined || word.length !== 20) return false;
  return (
    isDigits(word.slice(0, 2)) &&
    word[2] === '/' &&
    MONTHS.has(word.slice(3, 6)) &&
    word[6] === '/' &&
    isDigits(word.slice(7, 11)) &&
    word[11] === ':' &&
    isDigits(word.slice(12, 14)) &&
    word[14] === ':' &&
    isDigits(word.slice(15, 17)) &&
    word[17] === ':' &&
    isDigits(word.slice(18, 20))
  );
}

/** A syslog level, 0 to 7. */
function isLevel(word: string | undefined): boolean {
  return word !== undefined && /^[0-7]$/.test(word);
}

function words(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++;
    const start = at;
    while (at < text.length && text[at] !== ' ' && text[at] !== '\t') at++;
    if (at > start) out.push(text.slice(start, at));
  }
  return out;
}

/** Reads one log line; anything before `VMID LEVEL CHAIN TIME` (a journal prefix) is skipped. */
export function parseLogLine(line: string): ParsedLogLine {
  const w = words(line.replace(/\r$/, ''));
  const head = w.findIndex((word, i) => isDigits(word) && isLevel(w[i + 1]) && isLogTime(w[i + 3]));
  const [vmidWord, , chain, date, zone = ''] = head < 0 ? [] : w.slice(head);
  if (chain === undefined || date === undefined)
    return {
      ok: false,
      error:
        'not a pve-firewall log line (expected "VMID LEVEL CHAIN DD/Mon/YYYY:HH:MM:SS +ZONE …")',
    };
  const vmid = Number(vmidWord);
  const time = `${date} ${zone}`.trim();
  // The message runs from after the time zone to the first KEY=value field.
  const rest = w.slice(head + 5);
  const firstField = rest.findIndex((x) => x.includes('='));
  const message = (firstField < 0 ? rest : rest.slice(0, firstField)).join(' ').replace(/:$/, '');
  const fields = new Map<string, string>();
  const flags: string[] = [];
  for (const word of firstField < 0 ? [] : rest.slice(firstField)) {
    const eq = word.indexOf('=');
    if (eq > 0) {
      if (!fields.has(word.slice(0, eq))) fields.set(word.slice(0, eq), word.slice(eq + 1));
    } else if (/^[A-Z]+$/.test(word)) flags.push(word);
  }
  const source = fields.get('SRC');
  const dest = fields.get('DST');
  const protoField = fields.get('PROTO');
  if (!source || !dest || !protoField)
    return {
      ok: false,
      error: 'the line has no SRC=, DST= and PROTO= (an ARP or truncated line?)',
    };
  const proto = protoField === 'ICMPV6' ? 'icmpv6' : protoField.toLowerCase();
  const number = (key: string): number | undefined => {
    const value = fields.get(key);
    return value !== undefined && isDigits(value) ? Number(value) : undefined;
  };
  const sport = number('SPT');
  const dport = number('DPT');
  const type = number('TYPE');
  const code = number('CODE');
  const action = /\b(ACCEPT|DROP|REJECT)\b/.exec(message)?.[1] as LoggedPacket['action'];
  const devices = {
    ...(fields.get('IN') ? { in: fields.get('IN')! } : {}),
    ...(fields.get('OUT') ? { out: fields.get('OUT')! } : {}),
    ...(fields.get('PHYSIN') ? { physIn: fields.get('PHYSIN')! } : {}),
    ...(fields.get('PHYSOUT') ? { physOut: fields.get('PHYSOUT')! } : {}),
  };
  return {
    ok: true,
    packet: {
      vmid,
      chain,
      message,
      ...(action ? { action } : {}),
      byPolicy: message.startsWith('policy '),
      time,
      family: source.includes(':') ? 6 : 4,
      source,
      dest,
      proto,
      ...(sport !== undefined ? { sport } : {}),
      ...(dport !== undefined ? { dport } : {}),
      ...(type !== undefined ? { icmp: { type, code: code ?? 0 } } : {}),
      flags,
      devices,
    },
  };
}
