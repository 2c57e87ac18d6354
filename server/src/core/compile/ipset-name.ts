import { utf8Length } from '../syntax';
import type { Family } from './ruleset-types';

// Kernel set names are limited to 31 bytes and Proxmox appends "_swap" while swapping sets.
const MAX_ID_LENGTH = 31 - 'PVEFW-'.length - '_swap'.length;

/** The UTF-8 bytes of a string: Proxmox reads the files undecoded. */
function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) {
      bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    } else {
      bytes.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 0x3f),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      );
    }
  }
  return bytes;
}

/** PVE::Tools::fnv31a_hex: 32-bit FNV-1a over the bytes, top bit cleared, upper-case hex. */
export function fnv31aHex(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of utf8Bytes(text)) {
    hash = (hash ^ byte) >>> 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash & 0x7fffffff).toString(16).toUpperCase();
}

/** compute_ipset_chain_name: the kernel name of one family of a set. */
export function ipsetKernelName(vmid: number, setName: string, family: Family): string {
  let id = `${vmid}-${setName}-v${family}`;
  if (utf8Length(id) > MAX_ID_LENGTH) id = fnv31aHex(id);
  return `PVEFW-${id}`;
}
