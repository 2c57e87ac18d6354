/** The four kinds of firewall file Proxmox reads; each has its own sections and rule types. */
export type FileKind = 'cluster' | 'host' | 'guest' | 'vnet';

export const FILE_KINDS: readonly FileKind[] = ['cluster', 'host', 'guest', 'vnet'];

export function isFileKind(value: string): value is FileKind {
  return (FILE_KINDS as readonly string[]).includes(value);
}
