// The API's ipset address normalisation, checked against Net::IP 1.26 (Debian's
// libnet-ip-perl) running FW:102-114 on the same inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiIpSetCidr, cleanCidr } from '../../../server/src/core/plan/clean-cidr';

const CASES: [string, string, string][] = [
  // input, clean_cidr, then parse_ip_or_cidr
  ['2001:db8::1/64', '2001:db8::/64', '2001:db8::/64'],
  ['2001:DB8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128', '2001:db8::1:0:0:1'],
  ['fe80::1:2/10', 'fe80::/10', 'fe80::/10'],
  ['1:0:0:2:0:0:0:3/64', '1:0:0:2::/64', '1:0:0:2::/64'],
  ['::1/120', '::/120', '::/120'],
  ['::ffff:1.2.3.4/120', '::ffff:102:300/120', '::ffff:102:300/120'],
  ['10.1.2.3/8', '10.0.0.0/8', '10.0.0.0/8'],
  ['10.0.0.1/32', '10.0.0.1/32', '10.0.0.1'],
  ['10.0.0.5', '10.0.0.5', '10.0.0.5'],
];

for (const [input, cleaned, stored] of CASES) {
  test(`${input} is stored as ${stored}`, () => {
    assert.equal(cleanCidr(input), cleaned);
    assert.equal(apiIpSetCidr(input), stored);
  });
}
