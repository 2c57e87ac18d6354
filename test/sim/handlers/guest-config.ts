// GET and PUT /nodes/{node}/{qemu|lxc}/{vmid}/config, as far as a firewall workspace needs them:
// the config with its digest (SHA-1 of the file, as qemu-server's and pve-container's parsers
// compute it), and setting net<N> with the digest checked. The new value is stored as Proxmox
// prints it again; the change applies at once (a firewall flag hot-plugs into a running guest).
import { createHash } from 'node:crypto';
import { checkAll, checkAny, type Caller } from '../auth';
import { dieError, paramError } from '../errors';
import { netBridge, storedNet } from '../pve/guest-net';
import type { SimGuest, SimStore } from '../store';

export function findGuest(
  store: SimStore,
  node: string,
  type: 'qemu' | 'lxc',
  vmid: string,
): SimGuest {
  const guest = store.guests().find((g) => g.vmid === vmid && g.type === type && g.node === node);
  if (!guest)
    throw dieError(
      `Configuration file 'nodes/${node}/${type === 'qemu' ? 'qemu-server' : 'lxc'}/${vmid}.conf' does not exist`,
    );
  return guest;
}

function digestOf(store: SimStore, guest: SimGuest): string {
  return createHash('sha1')
    .update(store.bytes(store.guestConfigPath(guest)), 'latin1')
    .digest('hex');
}

export function readConfig(
  store: SimStore,
  caller: Caller,
  node: string,
  type: 'qemu' | 'lxc',
  vmid: string,
): object {
  checkAll(caller, `/vms/${vmid}`, ['VM.Audit']);
  const guest = findGuest(store, node, type, vmid);
  return { ...store.guestConfig(guest), digest: digestOf(store, guest) };
}

/** The config file with `key: value` set in its main section (sorted, as the writers keep it). */
function withValue(text: string, key: string, value: string): string {
  const lines = text.split('\n');
  const end = lines.findIndex((l) => l.startsWith('['));
  const main = (end === -1 ? lines : lines.slice(0, end)).filter((l) => l !== '');
  const rest = end === -1 ? [] : lines.slice(end);
  const others = main.filter((l) => !l.startsWith(`${key}:`));
  const sorted = [...others, `${key}: ${value}`].sort((a, b) => {
    const [ka, kb] = [a.slice(0, a.indexOf(':')), b.slice(0, b.indexOf(':'))];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return [...sorted.map((l) => `${l}\n`), ...(rest.length ? [`\n${rest.join('\n')}`] : [])].join(
    '',
  );
}

export function updateConfig(
  store: SimStore,
  caller: Caller,
  node: string,
  type: 'qemu' | 'lxc',
  vmid: string,
  params: Readonly<Record<string, string>>,
): null {
  const errors: Record<string, string> = {};
  for (const key of Object.keys(params))
    if (!/^net[0-9]+$/.test(key) && key !== 'digest')
      errors[key] = 'the simulator sets only net<N> of a guest config';
  if (params['digest'] !== undefined && params['digest'].length > 40)
    errors['digest'] = 'value may only be 40 characters long';
  if (Object.keys(errors).length > 0) throw paramError(errors);
  const nets = Object.keys(params).filter((k) => k !== 'digest');
  if (nets.length === 0) throw dieError('no options specified');
  // VM.Config.Network for the guest, SDN.Use for the bridge (check_bridge_access).
  checkAny(caller, `/vms/${vmid}`, ['VM.Config.Network']);
  const stored: Record<string, string> = {};
  for (const key of nets) {
    stored[key] = storedNet(key, params[key]!, type);
    const { bridge, tag } = netBridge(stored[key], type);
    if (bridge !== undefined)
      checkAll(caller, `/sdn/zones/localnetwork/${bridge}${tag ? `/${tag}` : ''}`, ['SDN.Use']);
  }
  const guest = findGuest(store, node, type, vmid);
  const digest = params['digest'];
  if (digest && digest !== digestOf(store, guest))
    throw dieError(
      type === 'qemu'
        ? 'checksum mismatch (file change by other user?)'
        : 'detected modified configuration - file changed by other user? Try again.',
    );
  let text = store.read(store.guestConfigPath(guest));
  for (const key of nets) text = withValue(text, key, stored[key]!);
  store.write(store.guestConfigPath(guest), text);
  return null;
}
