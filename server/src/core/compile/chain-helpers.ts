import type { FwConfig } from '../model';
import type { ChainSet } from './chain-set';
import { ipsetKernelName } from './ipset-name';
import { optionOff, optionTrue } from './options';

/**
 * ruleset_add_chain_policy. DROP and REJECT first pass PVEFW-Drop/PVEFW-Reject, which drop
 * noise quietly and let critical ICMP through; only then is the policy logged and applied.
 */
export function addChainPolicy(
  set: ChainSet,
  chain: string,
  vmid: number,
  policy: string,
  logLevel: string | undefined,
  acceptAction: string,
): void {
  const why = { builtin: `policy ${policy}` };
  const log = { level: logLevel, msg: `policy ${policy}: `, vmid };
  if (policy === 'ACCEPT') {
    set.generate(chain, { action: acceptAction }, {}, why);
  } else if (policy === 'DROP') {
    set.add(chain, '', '-j PVEFW-Drop', why);
    set.add(chain, '', '-j DROP', why, log);
  } else if (policy === 'REJECT') {
    set.add(chain, '', '-j PVEFW-Reject', why);
    set.add(chain, '', '-g PVEFW-reject', why, log);
  }
}

/** ruleset_chain_add_ndp: IPv6 neighbour discovery unless the file says `ndp: 0`. */
export function addNdp(
  set: ChainSet,
  chain: string,
  options: FwConfig | undefined,
  direction: 'IN' | 'OUT',
  accept: string,
): void {
  if (set.family !== 6 || optionOff(options, 'ndp')) return;
  const why = { builtin: 'neighbor discovery' };
  const types = ['router-solicitation'];
  // A guest may only send router advertisements with `radv: 1`.
  if (direction !== 'OUT' || optionTrue(options, 'radv')) types.push('router-advertisement');
  types.push('neighbor-solicitation', 'neighbor-advertisement');
  for (const type of types) set.add(chain, `-p icmpv6 --icmpv6-type ${type}`, accept, why);
}

/** ruleset_chain_add_conn_filters: rules only ever see new connections. */
export function addConnFilters(
  set: ChainSet,
  chain: string,
  allowInvalid: boolean,
  accept: string,
): void {
  if (!allowInvalid) {
    set.add(chain, '-m conntrack --ctstate INVALID', '-j DROP', {
      builtin: 'conntrack: drop INVALID',
    });
  }
  set.add(chain, '-m conntrack --ctstate RELATED,ESTABLISHED', `-j ${accept}`, {
    builtin: 'conntrack: accept RELATED,ESTABLISHED',
  });
}

/** ruleset_chain_add_input_filters: blacklist, smurf and TCP-flag filters (host options). */
export function addInputFilters(
  set: ChainSet,
  chain: string,
  host: FwConfig | undefined,
  cluster: FwConfig,
  logLevel: string | undefined,
): void {
  if (cluster.ipsets.has('blacklist')) {
    if (!set.has('PVEFW-blacklist')) {
      set.create('PVEFW-blacklist');
      set.add(
        'PVEFW-blacklist',
        '',
        '-j DROP',
        { builtin: 'blacklisted source' },
        {
          level: logLevel,
          msg: 'DROP: ',
          vmid: 0,
        },
      );
    }
    const name = ipsetKernelName(0, 'blacklist', set.family);
    set.add(chain, `-m set --match-set ${name} src`, '-j PVEFW-blacklist', {
      builtin: 'blacklist',
    });
  }
  if (!optionOff(host, 'nosmurfs') && set.family === 4) {
    set.add(chain, '-m conntrack --ctstate INVALID,NEW', '-j PVEFW-smurfs', {
      builtin: 'smurf filter',
    });
  }
  if (optionTrue(host, 'tcpflags')) {
    set.add(chain, '-p tcp', '-j PVEFW-tcpflags', { builtin: 'TCP flags filter' });
  }
}
