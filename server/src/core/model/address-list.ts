import { perlNetIpNew } from '../syntax';
import { MAX_ALIAS_NAME_LENGTH, MAX_IPSET_NAME_LENGTH } from '../syntax';
import { NWS, perlSplitComma, utf8Length } from '../syntax';

const IPSET_REF = new RegExp(`^\\+${NWS}+$`, 's');
export const ALIAS_REF = /^(dc\/|guest\/)?([A-Za-z][A-Za-z0-9_-]+)$/;
export const IPSET_NAME_REF = /^\+(guest\/|dc\/|sdn\/)?([A-Za-z][A-Za-z0-9_-]+)$/;

export type AddressListResult =
  | { readonly ok: true; readonly ipversion?: 4 | 6 }
  | {
      readonly ok: false;
      readonly message: string;
      /** Set when the error is not a plain bad address: a list that mixes the families. */
      readonly code?: 'mixed-address-family';
    };

/**
 * pve-firewall's parse_address_list: one ipset reference, one alias reference, or a comma list
 * of addresses (as Perl's Net::IP reads them) of one family, with at most one range alone.
 */
export function parseAddressList(text: string): AddressListResult {
  // Files name the same addresses again and again (a 20,000-rule file a few hundred), and every
  // check of the file reads each rule's again: the answer depends on the text alone.
  let known = addressLists.get(text);
  if (known === undefined) {
    known = readAddressList(text);
    if (addressLists.size >= MAX_REMEMBERED) addressLists.clear();
    addressLists.set(text, known);
  }
  return known;
}

const MAX_REMEMBERED = 4096;
const addressLists = new Map<string, AddressListResult>();

function readAddressList(text: string): AddressListResult {
  if (IPSET_REF.test(text)) {
    if (utf8Length(text) > MAX_IPSET_NAME_LENGTH + 1)
      return { ok: false, message: 'ipset name too long' };
    return { ok: true };
  }
  if (ALIAS_REF.test(text)) {
    if (utf8Length(text) > MAX_ALIAS_NAME_LENGTH)
      return { ok: false, message: 'alias name too long' };
    return { ok: true };
  }
  const items = perlSplitComma(text);
  if (items.join(',') !== text) return { ok: false, message: 'extraneous commas in list' };
  let ipversion: 4 | 6 | undefined;
  let range = false;
  for (const item of items) {
    const parsed = perlNetIpNew(item);
    if (!parsed.ok) return { ok: false, message: `invalid IP address: ${parsed.error}` };
    if (item.includes('-')) range = true;
    if (ipversion !== undefined && parsed.version !== ipversion) {
      return {
        ok: false,
        message: `detected mixed ipv4/ipv6 addresses in address list '${text}'`,
        code: 'mixed-address-family',
      };
    }
    ipversion = parsed.version;
  }
  if (range && items.length > 1) return { ok: false, message: "you can't use a range in a list" };
  return ipversion === undefined ? { ok: true } : { ok: true, ipversion };
}
