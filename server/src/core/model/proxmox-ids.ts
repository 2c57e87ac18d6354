// The identifiers Proxmox accepts for what pvefw turns into paths and API URLs. Names come from
// a server and are data: anything else is refused before it becomes a path (issue 15).
// Sources: pve-common PVE/JSONSchema.pm (pve-node, pve-vmid), pve-network
// PVE/Network/SDN/VnetPlugin.pm (pve-sdn-vnet-id), pve-firewall (ipset and group names).
import { MAX_GROUP_NAME_LENGTH, MAX_IPSET_NAME_LENGTH, NAME_PATTERN } from '../syntax';

/** pve-node: letters, digits and "-", neither first nor last a "-". */
export function isNodeName(text: string): boolean {
  return /^[A-Za-z0-9-]+$/.test(text) && !text.startsWith('-') && !text.endsWith('-');
}

/** pve-vmid: 100 to 999999999, written without leading zeros. */
export function isVmid(text: string): boolean {
  return /^[1-9][0-9]{2,8}$/.test(text);
}

/** pve-sdn-vnet-id: a letter, then letters and digits; 2 to 8 characters. */
export function isVnetId(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9]{1,7}$/.test(text);
}

/** An ipset name as the API creates it (ipset-name: letter, then letters, digits, "-", "_"). */
export function isIpSetName(text: string): boolean {
  return NAME_PATTERN.test(text) && text.length <= MAX_IPSET_NAME_LENGTH;
}

/** A security group name as the API creates it. */
export function isGroupName(text: string): boolean {
  return NAME_PATTERN.test(text) && text.length <= MAX_GROUP_NAME_LENGTH;
}
