import { icmpConntrackClass } from '../facts';
import { icmpRange } from '../facts';
import type { Family } from '../compile';
import type { ConnState, CtState } from './simulation-types';
import { ZoneError } from './zones';

export const CONN_STATES: readonly ConnState[] = ['new', 'established', 'related', 'invalid'];

function isIcmp(proto: string, family: Family): boolean {
  if (family === 4) return proto === 'icmp' || proto === '1';
  return proto === 'icmpv6' || proto === 'ipv6-icmp' || proto === '58';
}

/**
 * The state `-m conntrack --ctstate` sees for a packet that the request says is `new` (belongs
 * to no connection), `established`, `related` (to a tracked connection: an ICMP error about
 * it, or a connection a helper expects) or `invalid`. ICMP messages that cannot open a
 * connection are INVALID when they belong to none; ICMPv6 neighbour discovery is UNTRACKED.
 * Throws ZoneError for a state the kernel never gives such a packet.
 */
export function conntrackState(
  requested: string | undefined,
  family: Family,
  proto: string,
  icmpType: string | undefined,
): { readonly ctstate: CtState; readonly why?: string } {
  const state = requested ?? 'new';
  if (!(CONN_STATES as readonly string[]).includes(state)) {
    throw new ZoneError(`unknown state '${state}' (expected ${CONN_STATES.join(', ')})`);
  }
  if (state === 'invalid') return { ctstate: 'INVALID' };
  const range =
    isIcmp(proto, family) && icmpType !== undefined ? icmpRange(icmpType, family) : undefined;
  if (!range || range[0] >> 8 !== range[1] >> 8) {
    return { ctstate: state === 'new' ? 'NEW' : state === 'related' ? 'RELATED' : 'ESTABLISHED' };
  }
  const name = `ICMP${family === 6 ? 'v6' : ''} ${icmpType}`;
  const cls = icmpConntrackClass(range[0] >> 8, family);
  if (cls === 'untracked') {
    if (state !== 'new') {
      throw new ZoneError(`${name} is never tracked by conntrack: it has no state '${state}'`);
    }
    return { ctstate: 'UNTRACKED', why: `conntrack does not track ${name}` };
  }
  if (state === 'related') {
    if (cls !== 'error') {
      throw new ZoneError(
        `${name} is not an error message: only those are related to a connection`,
      );
    }
    return { ctstate: 'RELATED' };
  }
  if (state === 'established') {
    if (cls === 'error') {
      throw new ZoneError(
        `${name} is an error message: conntrack calls it related, not established`,
      );
    }
    if (cls === 'other') {
      throw new ZoneError(`${name} belongs to no connection: it is new or invalid`);
    }
    return { ctstate: 'ESTABLISHED' };
  }
  if (cls === 'request') return { ctstate: 'NEW' };
  const why =
    cls === 'error'
      ? `${name} is an error message about no connection (state related is one about a connection)`
      : cls === 'reply'
        ? `${name} answers no request`
        : `${name} cannot open a connection`;
  return { ctstate: 'INVALID', why: `conntrack marks it INVALID: ${why}` };
}
