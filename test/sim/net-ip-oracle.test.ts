// The simulator's Net::IP (pve/net-ip.ts) against Net::IP itself: Debian's libnet-ip-perl, run
// by perl on the same inputs. Net::IP->new decides what an address list accepts and its error
// text is what the API answers, so each input must give the same verdict, family, first and last
// address, or the same error. Skipped, saying why, where perl or Net::IP is not installed
// (test/sim/oracle-setup.sh installs them on Debian).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import {
  bitsToIp,
  clearNetIpError,
  compressAddress,
  expandAddress,
  netIpError,
  netIpNew,
} from './pve/net-ip';

const INPUTS = [
  '10.0.0.1',
  '10.0.0.0/8',
  '10.0.0.1/8',
  '10.0.0.0/33',
  '10.0.0.0/8/8',
  '10.0.0.0/abc',
  '10.1',
  '10',
  '300',
  '010.0.0.1',
  '1.2.3.4.5',
  '1..2.3',
  '.1.2.3',
  '1.2.3.',
  '10.0.0.5-10.0.0.1',
  '10.0.0.1-10.0.0.5',
  '10.0.0.1 - 10.0.0.5',
  '10.0.0.1-2001:db8::1',
  '10.0.0.1 + 10',
  '2001:db8::/32',
  '2001:db8::1/32',
  '2001:DB8::1',
  '::',
  '::1',
  '1::',
  ':1::2',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7',
  '1::2::3',
  '::ffff:192.0.2.1',
  '2001:db8::g',
  'fe80::1-fe80::ff',
  'x',
  '',
  '-',
  '10.0.0.0/8,/16',
];

const PERL = `
use strict; use warnings; no warnings 'numeric'; use JSON::PP; use Net::IP;
my $inputs = decode_json(join('', <STDIN>));
my @out;
for my $in (@$inputs) {
  $Net::IP::ERROR = '';
  my $ip = Net::IP->new($in);
  if ($ip) { push @out, { ok => 1, version => $ip->version() + 0, ip => $ip->ip(),
    last => $ip->last_ip(), short => Net::IP::ip_compress_address($ip->ip(), $ip->version()) } }
  else { push @out, { ok => 0, error => Net::IP::Error() // '' } }
}
print encode_json(\\@out);
`;

function perl(): { output?: unknown[]; skip?: string } {
  const run = spawnSync('perl', ['-e', PERL], { input: JSON.stringify(INPUTS), encoding: 'utf8' });
  if (run.error) return { skip: `perl cannot run: ${run.error.message}` };
  if (run.status !== 0)
    return { skip: `perl with Net::IP cannot run: ${run.stderr.split('\n')[0]}` };
  return { output: JSON.parse(run.stdout) as unknown[] };
}

const oracle = perl();

test(
  'Net::IP->new: the same verdicts, addresses and errors as Net::IP 1.26',
  { skip: oracle.skip },
  () => {
    const ours = INPUTS.map((input) => {
      clearNetIpError(); // the error is global, here as in Net::IP: each input starts from none
      const ip = netIpNew(input);
      if (!ip) return { ok: 0, error: netIpError() };
      const last = bitsToIp(ip.lastBits, ip.version)!;
      return {
        ok: 1,
        version: ip.version,
        ip: ip.ip,
        last: ip.version === 4 ? last : expandAddress(last, 6),
        short: compressAddress(ip.ip, ip.version),
      };
    });
    assert.deepEqual(
      ours.map((o, i) => ({ input: INPUTS[i], ...o })),
      oracle.output!.map((t, i) => ({ input: INPUTS[i], ...(t as object) })),
    );
  },
);
