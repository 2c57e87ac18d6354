/**
 * Proxmox's Perl code dies here: its loader or writer produces no result at all, so neither
 * can we. The message is the one pve-firewall dies with.
 */
export class ProxmoxDies extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxmoxDies';
  }
}
