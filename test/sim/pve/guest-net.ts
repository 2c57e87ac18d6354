// A guest's network device property string as qemu-server and pve-container read and print it
// (parse_property_string / print_property_string of pve-common with their net formats): what the
// config API stores when a `net<N>` value is set.
import { PerlDie, ParamException } from './perl';

const QEMU_MODELS = [
  'e1000',
  'e1000-82540em',
  'e1000-82544gc',
  'e1000-82545em',
  'e1000e',
  'i82551',
  'i82557b',
  'i82559er',
  'ne2k_isa',
  'ne2k_pci',
  'pcnet',
  'rtl8139',
  'virtio',
  'vmxnet3',
];
/** qemu-server's $net_fmt: the keys besides the models (which stand for model + macaddr). */
const QEMU_KEYS = [
  'macaddr',
  'model',
  'bridge',
  'queues',
  'rate',
  'tag',
  'trunks',
  'firewall',
  'link_down',
  'mtu',
  'host-tunnel',
];
const QEMU_BOOLEANS = new Set(['firewall', 'link_down', 'host-tunnel']);
/** pve-container's $netconf_desc. */
const LXC_KEYS = [
  'type',
  'name',
  'bridge',
  'hwaddr',
  'mtu',
  'ip',
  'gw',
  'ip6',
  'gw6',
  'firewall',
  'tag',
  'trunks',
  'rate',
  'link_down',
  'host-managed',
];
const LXC_BOOLEANS = new Set(['firewall', 'link_down', 'host-managed']);

function parseBoolean(value: string): string {
  if (/^(1|on|yes|true)$/i.test(value)) return '1';
  if (/^(0|off|no|false)$/i.test(value)) return '0';
  return value;
}

/** parse_property_string of a net value: key → value, or a die with pve-common's text. */
function parse(value: string, type: 'qemu' | 'lxc'): Record<string, string> {
  const known = type === 'qemu' ? [...QEMU_KEYS, ...QEMU_MODELS] : LXC_KEYS;
  const booleans = type === 'qemu' ? QEMU_BOOLEANS : LXC_BOOLEANS;
  const res: Record<string, string> = {};
  for (const part of value.split(',')) {
    if (/^\s*$/.test(part)) continue;
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) {
      if (eq === -1 && type === 'qemu') {
        // The default key (model) given alone.
        if (res['model'] !== undefined)
          throw new PerlDie('duplicate key in comma-separated list property: model');
        res['model'] = part;
        continue;
      }
      throw new PerlDie(
        eq === -1
          ? 'value without key, but schema does not define a default key'
          : 'missing key in comma-separated list property',
      );
    }
    let key = part.slice(0, eq);
    let item = part.slice(eq + 1);
    if (!known.includes(key))
      throw new PerlDie(`invalid key in comma-separated list property: ${key}`);
    if (type === 'qemu' && QEMU_MODELS.includes(key)) {
      // A model name is an alias: model=<name>, macaddr=<value>.
      if (res['model'] !== undefined) throw new PerlDie(`key alias 'model' is already defined`);
      res['model'] = key;
      key = 'macaddr';
    }
    if (res[key] !== undefined)
      throw new PerlDie(`duplicate key in comma-separated list property: ${key}`);
    if (booleans.has(key)) item = parseBoolean(item);
    res[key] = item;
  }
  for (const key of booleans)
    if (res[key] !== undefined && res[key] !== '0' && res[key] !== '1')
      throw new PerlDie(
        `format error\n${key}: type check ('boolean') failed - got '${res[key]}'\n`,
      );
  return res;
}

/** print_property_string: the default key first, then required keys, then the rest sorted. */
function print(net: Record<string, string>, type: 'qemu' | 'lxc'): string {
  const parts: string[] = [];
  const done = new Set<string>();
  if (type === 'qemu' && net['model'] !== undefined) {
    parts.push(net['macaddr'] !== undefined ? `${net['model']}=${net['macaddr']}` : net['model']);
    done.add('model');
    done.add('macaddr');
  }
  if (type === 'lxc' && net['name'] !== undefined) {
    parts.push(`name=${net['name']}`);
    done.add('name');
  }
  for (const key of Object.keys(net).sort()) {
    if (done.has(key)) continue;
    if (net[key]!.includes(',')) throw new PerlDie(`illegal value with commas for ${key}`);
    parts.push(`${key}=${net[key]}`);
  }
  return parts.join(',');
}

/**
 * The value the config API stores for `net<N>`: parsed and printed again (qemu-server's
 * update_vm_api, pve-container's hot-plug of a running container, which also sets type=veth).
 * A value that does not parse is a 400 for the parameter.
 */
export function storedNet(param: string, value: string, type: 'qemu' | 'lxc'): string {
  try {
    const net = parse(value, type);
    if (type === 'lxc') net['type'] = 'veth';
    return print(net, type);
  } catch (error) {
    if (!(error instanceof PerlDie)) throw error;
    throw new ParamException({ [param]: `invalid format - ${error.message}` });
  }
}

/** The bridge and VLAN tag a net value names (for check_vnet_access). */
export function netBridge(value: string, type: 'qemu' | 'lxc'): { bridge?: string; tag?: string } {
  const net = parse(value, type);
  return {
    ...(net['bridge'] !== undefined ? { bridge: net['bridge'] } : {}),
    ...(net['tag'] !== undefined ? { tag: net['tag'] } : {}),
  };
}
