import { SERVICE_BY_NAME } from '../model';
import { perlNetIpNew } from '../syntax';
import type { AddressRange, IptAddress, IptMatch, IptTarget, PortItem } from './ipt-match-types';

/** Text that is not an iptables rule this compiler writes. */
export class IptParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IptParseError';
  }
}

// Blank-separated, except a double-quoted NFLOG prefix, which keeps its blanks.
function tokenize(text: string): string[] {
  return text.match(/"[^"]*"|[^ \t]+/g) ?? [];
}

function ranges(item: string): AddressRange[] {
  const ip = perlNetIpNew(item);
  if (!ip.ok) throw new IptParseError(`not an address: '${item}'`);
  return [{ family: ip.version, first: ip.first, last: ip.last }];
}

function portItems(text: string): PortItem[] {
  return text.split(',').map((item) => {
    const range = /^([0-9]+):([0-9]+)$/.exec(item);
    if (range) return { text: item, first: Number(range[1]), last: Number(range[2]) };
    if (/^[0-9]+$/.test(item)) return { text: item, first: Number(item), last: Number(item) };
    const port = SERVICE_BY_NAME.get(item);
    if (port === undefined) throw new IptParseError(`unknown service '${item}'`);
    return { text: item, first: port, last: port };
  });
}

/** get_mark_values: `V[/M]`, each hex (0x…) or decimal; no mask means all bits. */
export function markValues(text: string): { value: number; mask: number } {
  const [value, mask] = text.split('/');
  const num = (t: string): number => (t.startsWith('0x') ? parseInt(t.slice(2), 16) : Number(t));
  return { value: num(value ?? ''), mask: mask !== undefined ? num(mask) : 0xffffffff };
}

function parseTarget(kind: '-j' | '-g', name: string, args: string[]): IptTarget {
  if (kind === '-g') return { kind: 'goto', chain: name };
  const option = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at === -1 ? undefined : args[at + 1];
  };
  switch (name) {
    case 'ACCEPT':
      return { kind: 'accept' };
    case 'DROP':
      return { kind: 'drop' };
    case 'RETURN':
      return { kind: 'return' };
    case 'REJECT': {
      const reason = option('--reject-with');
      return reason !== undefined ? { kind: 'reject', with: reason } : { kind: 'reject' };
    }
    case 'MARK':
      return { kind: 'set-mark', ...markValues(option('--set-mark') ?? '') };
    case 'CONNMARK':
      return { kind: 'connmark', value: markValues(option('--set-mark') ?? '').value };
    case 'NFLOG':
      return { kind: 'log', prefix: (option('--nflog-prefix') ?? '').replace(/^"|"$/g, '') };
    case 'NFQUEUE':
      return { kind: 'queue', args: args.join(' ') };
    default:
      if (args.length > 0) throw new IptParseError(`unexpected target options '${args.join(' ')}'`);
      return { kind: 'jump', chain: name };
  }
}

/**
 * Reads one rule of the compiled ruleset (with or without its `-A CHAIN`) into its
 * conditions and target. Total over everything compileRuleset emits; throws IptParseError
 * on other text.
 */
export function parseIptMatch(text: string): IptMatch {
  const tokens = tokenize(text);
  const out: { -readonly [K in keyof IptMatch]?: IptMatch[K] } = {};
  let i = 0;
  const next = (): string => {
    const token = tokens[i++];
    if (token === undefined) throw new IptParseError(`missing value in '${text}'`);
    return token;
  };
  if (tokens[0] === '-A') {
    i = 1;
    out.chain = next();
  }
  let negated = false;
  const physdev = { isBridged: false } as { in?: string; out?: string; isBridged: boolean };
  let usesPhysdev = false;
  while (i < tokens.length) {
    const token = next();
    if (token === '!') {
      negated = true;
      continue;
    }
    const wasNegated = negated;
    negated = false;
    const positiveOnly = (): void => {
      if (wasNegated) throw new IptParseError(`'!' before ${token} in '${text}'`);
    };
    switch (token) {
      case '-A':
        throw new IptParseError(`second -A in '${text}'`);
      case '-i':
        positiveOnly();
        out.iface = next();
        break;
      case '-o':
        positiveOnly();
        out.oface = next();
        break;
      case '-p':
        positiveOnly();
        out.proto = next();
        break;
      case '-s':
      case '-d': {
        positiveOnly();
        const items = next().split(',');
        const address: IptAddress = { kind: 'list', items, ranges: items.flatMap(ranges) };
        if (token === '-s') out.source = address;
        else out.dest = address;
        break;
      }
      case '-m':
      case '--match':
        // Modules only enable options; the options below carry the meaning.
        next();
        break;
      case '--match-set': {
        const name = next();
        const address: IptAddress = { kind: 'set', name, negated: wasNegated };
        const dir = next();
        if (dir === 'src') out.source = address;
        else if (dir === 'dst') out.dest = address;
        else throw new IptParseError(`bad --match-set direction '${dir}'`);
        break;
      }
      case '--src-range':
      case '--dst-range': {
        positiveOnly();
        const value = next();
        const address: IptAddress = { kind: 'range', text: value, ranges: ranges(value) };
        if (token === '--src-range') out.source = address;
        else out.dest = address;
        break;
      }
      case '--dport':
      case '--dports':
        positiveOnly();
        out.dport = portItems(next());
        break;
      case '--sport':
      case '--sports':
        positiveOnly();
        out.sport = portItems(next());
        break;
      case '--icmp-type':
        positiveOnly();
        out.icmpType = { protocol: 'icmp', type: next() };
        break;
      case '--icmpv6-type':
        positiveOnly();
        out.icmpType = { protocol: 'icmpv6', type: next() };
        break;
      case '--ctstate':
        positiveOnly();
        out.ctstate = next().split(',');
        break;
      case '--src-type':
        positiveOnly();
        out.srcType = next();
        break;
      case '--dst-type':
        positiveOnly();
        out.dstType = next();
        break;
      case '--mark':
        positiveOnly();
        out.mark = markValues(next());
        break;
      case '--mac-source':
        out.macSource = { mac: next(), negated: wasNegated };
        break;
      case '--physdev-is-bridged':
        positiveOnly();
        usesPhysdev = physdev.isBridged = true;
        break;
      case '--physdev-in':
      case '--physdev-out':
        positiveOnly();
        usesPhysdev = true;
        physdev[token === '--physdev-in' ? 'in' : 'out'] = next();
        break;
      case '--tcp-flags':
        out.tcpFlags = { mask: next().split(','), comp: next().split(','), negated: wasNegated };
        break;
      case '--limit':
        positiveOnly();
        out.limit = `--limit ${next()}`;
        break;
      case '--limit-burst':
        positiveOnly();
        out.limit = `${out.limit ?? ''} --limit-burst ${next()}`.trim();
        break;
      case '-j':
      case '-g': {
        positiveOnly();
        const name = next();
        out.target = parseTarget(token, name, tokens.slice(i));
        i = tokens.length;
        break;
      }
      default:
        throw new IptParseError(`unknown option '${token}' in '${text}'`);
    }
  }
  if (!out.target) throw new IptParseError(`no target in '${text}'`);
  if (usesPhysdev) out.physdev = physdev;
  return out as IptMatch;
}
