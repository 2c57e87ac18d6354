// What proxmox-firewall reads besides the .fw files: a guest's `netN:` lines (NetworkConfig,
// which can fail the node's whole update too) and the SDN names it validates.
import { RustError, fail, rustTrim, tryCidr, tryRustInt } from './rust-text';

export interface RustNetDevice {
  readonly kind: 'qemu' | 'lxc';
  readonly model: string;
  readonly mac: string;
  readonly firewall: boolean;
  /** The `bridge=` it is plugged into, when given. */
  readonly bridge?: string;
  /** LXC `ip=`/`ip6=` when an address (not dhcp/auto/manual). */
  readonly ip?: string;
  readonly ip6?: string;
}

const MODELS = ['virtio', 'e1000', 'rtl8139', 'vmxnet3', 'veth'];
const QEMU_MODEL_KEYS = ['e1000', 'rtl8139', 'virtio', 'vmxnet3'];

/** MacAddress::from_str: six colon-separated hex octets. */
export function parseMac(text: string): string {
  const parts = text.split(':');
  if (parts.length !== 6) fail('the hostname must be from 1 to 63 characters long');
  if (!parts.every((p) => /^[0-9A-Fa-f]{1,2}$/.test(p)))
    fail('the hostname contains invalid symbols');
  return parts.map((p) => p.padStart(2, '0').toUpperCase()).join(':');
}

function schemaBool(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  return undefined;
}

function propertyString(text: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  if (text === '') return out;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) return undefined;
    const key = part.slice(0, eq);
    if (out.has(key)) return undefined;
    out.set(key, part.slice(eq + 1));
  }
  return out;
}

function qemuDevice(props: Map<string, string>): RustNetDevice | undefined {
  const map = new Map(props);
  for (const key of QEMU_MODEL_KEYS) {
    const mac = map.get(key);
    if (mac === undefined) continue;
    if (map.has('model') || map.has('macaddr')) return undefined;
    map.delete(key);
    map.set('model', key);
    map.set('macaddr', mac);
  }
  const common = deviceBasics(map, 'model', 'macaddr');
  return common && { kind: 'qemu', ...common };
}

/** The model, MAC and firewall flag every device has; undefined when one is missing or bad. */
function deviceBasics(
  props: Map<string, string>,
  modelKey: string,
  macKey: string,
): { model: string; mac: string; firewall: boolean; bridge?: string } | undefined {
  const model = props.get(modelKey);
  const mac = props.get(macKey);
  if (model === undefined || mac === undefined || !MODELS.includes(model)) return undefined;
  const fw = props.get('firewall');
  const firewall = fw === undefined ? false : schemaBool(fw);
  if (firewall === undefined) return undefined;
  try {
    const bridge = props.get('bridge');
    return { model, mac: parseMac(mac), firewall, ...(bridge !== undefined ? { bridge } : {}) };
  } catch {
    return undefined;
  }
}

function lxcDevice(props: Map<string, string>): RustNetDevice | undefined {
  const common = deviceBasics(props, 'type', 'hwaddr');
  if (!common) return undefined;
  const ip = props.get('ip');
  const ip6 = props.get('ip6');
  const v4 = ip === undefined || ['dhcp', 'manual'].includes(ip) ? undefined : tryCidr(ip);
  const v6 =
    ip6 === undefined || ['dhcp', 'manual', 'auto'].includes(ip6) ? undefined : tryCidr(ip6);
  if (v4 !== undefined && (typeof v4 === 'string' || v4.family !== 4)) return undefined;
  if (v6 !== undefined && (typeof v6 === 'string' || v6.family !== 6)) return undefined;
  return {
    kind: 'lxc',
    ...common,
    ...(v4 ? { ip: v4.text } : {}),
    ...(v6 ? { ip6: v6.text } : {}),
  };
}

/** NetworkDevice::from_str: a QEMU property string, else an LXC one. */
export function parseNetDevice(text: string): RustNetDevice {
  const props = propertyString(text);
  const device = props && (qemuDevice(props) ?? lxcDevice(props));
  return device ?? fail(`not a valid network device property string: ${text}`);
}

/** NetworkConfig::index_from_net_key: net0 … net30. */
export function netIndex(key: string): number | undefined {
  const m = /^net([0-9]+)$/.exec(key);
  if (!m) return undefined;
  const n = tryRustInt(m[1]!, 'i64');
  return typeof n === 'number' && n >= 0 && n < 31 ? n : undefined;
}

/** NetworkConfig::parse: the `netN:` lines of a guest config, up to its first snapshot section. */
export function parseGuestNetworks(text: string): Map<number, RustNetDevice> {
  const devices = new Map<number, RustNetDevice>();
  for (const raw of text.split('\n')) {
    const line = rustTrim(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) break;
    if (!line.startsWith('net')) continue;
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const key = rustTrim(line.slice(0, colon));
    const value = rustTrim(line.slice(colon + 1));
    if (line.slice(0, colon) === '' || line.slice(colon + 1) === '') continue;
    const index = netIndex(key);
    if (index === undefined) fail(`Encountered invalid net key in cfg: ${key}`);
    const device = parseNetDevice(value);
    if (devices.has(index)) fail(`Duplicated config key detected: ${key}`);
    devices.set(index, device);
  }
  return devices;
}

export function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** validate_sdn_name for zones and vnets: 1–8 ASCII alphanumerics, a letter first. */
export function sdnNameError(name: string): string | undefined {
  if (name === '') return 'name is empty';
  if (utf8Length(name) > 8) return 'name too long';
  if (!/^[A-Za-z]/.test(name) || !/^[A-Za-z0-9]+$/.test(name)) return 'invalid symbols in name';
  return undefined;
}

/** SubnetName::from_str: `zone-ip-mask`. */
export function subnetNameError(name: string): string | undefined {
  const first = name.indexOf('-');
  if (first !== -1) {
    const rest = name.slice(first + 1);
    const second = rest.indexOf('-');
    if (second !== -1) {
      const zoneError = sdnNameError(name.slice(0, first));
      if (zoneError) return zoneError;
      const cidr = tryCidr(`${rest.slice(0, second)}/${rest.slice(second + 1)}`);
      return typeof cidr === 'string' ? 'invalid cidr in name' : undefined;
    }
  }
  return 'invalid format for subnet name';
}

/** Whether a text parses as the Rust value: for callers that only need yes or no. */
export function rustAccepts(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (error) {
    if (error instanceof RustError) return false;
    throw error;
  }
}
