// Property: no input makes the parser or the checks throw, and every finding lies inside the text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkFile, FILE_KINDS, type FileKind } from '../../server/src/core';
import { parseFwSyntax } from '../../server/src/core/syntax/parse-file';

const PIECES = [
  '[OPTIONS]',
  '[RULES]',
  '[ALIASES]',
  '[IPSET web]',
  '[group g1]',
  '[ipset x',
  '[group ]',
  '[IPSET 9]',
  'IN',
  'OUT',
  'FORWARD',
  'GROUP',
  'in',
  '|',
  '|IN',
  'ACCEPT',
  'DROP',
  'REJECT',
  'accept',
  'SSH(ACCEPT)',
  'Ping(DROP)',
  'x(ACCEPT)',
  '(',
  ')',
  '-i',
  '-p',
  '-proto',
  '--proto',
  '-dport',
  '--dport',
  '-sport',
  '-source',
  '-dest',
  '-log',
  '-icmp-type',
  'tcp',
  'udp',
  'icmp',
  'icmpv6',
  'ipv6-icmp',
  '0',
  '22',
  '80:22',
  '1:65535',
  '99999',
  'http',
  'echo-request',
  '+web',
  '+dc/web',
  '+guest/x',
  '+sdn/v-all',
  '+',
  'dc/a1',
  'guest/a1',
  'a1',
  '10.0.0.1',
  '10.0.0.0/8',
  '10.0.0.1/24',
  '10',
  '010.0.0.1',
  'fd00::1',
  'fd00::/8',
  '10.0.0.1-10.0.0.9',
  '1.2.3.4,fd00::1',
  ',',
  ',,',
  '#',
  '# comment',
  '!',
  'enable:',
  'enable: 1',
  'policy_in: DROP',
  'log_ratelimit:',
  'enable=1,rate=1/second',
  'layer2_protocols: IPv4',
  ':',
  'info',
  'INFO',
  'net0',
  'eth0',
  'vmbr0.100',
  'é',
  '☕',
  '\u0000',
  '\r',
  '\t',
  '  ',
  ' ',
];

const line = fc
  .array(
    fc.oneof(
      fc.constantFrom(...PIECES),
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    ),
    {
      maxLength: 10,
    },
  )
  .map((parts) => parts.join(' '));

const file = fc.array(line, { maxLength: 30 }).map((lines) => lines.join('\n'));
const kind = fc.constantFrom<FileKind>(...FILE_KINDS);

function assertSound(text: string, k: FileKind, cluster?: string): void {
  parseFwSyntax(text, k);
  const findings = checkFile(
    { path: 'x.fw', text },
    k,
    cluster === undefined ? {} : { cluster: { path: 'cluster.fw', text: cluster } },
  );
  for (const f of findings) {
    assert.notEqual(f.code, 'internal-error', f.message);
    assert.ok(
      f.span.start >= 0 && f.span.start <= f.span.end && f.span.end <= text.length,
      `span ${f.span.start}-${f.span.end} in ${text.length}`,
    );
    assert.ok(f.message.length > 0);
  }
}

test('random files never make the parser or checks throw', () => {
  fc.assert(
    fc.property(file, kind, fc.option(file, { nil: undefined }), (text, k, cluster) =>
      assertSound(text, k, cluster),
    ),
    {
      numRuns: 1500,
    },
  );
});

const VALID_LINES = [
  '[OPTIONS]',
  'enable: 1',
  '[ALIASES]',
  'web1 10.0.0.5 # web',
  '[IPSET web]',
  '10.0.0.0/24',
  '!10.0.0.7',
  'web1',
  '[RULES]',
  'IN ACCEPT -source +web -p tcp -dport 80,443 -log info # web',
  '|OUT DROP -p udp -sport 53',
  'IN SSH(ACCEPT) -i net0',
  'GROUP g1 -i net0',
  '[group g1]',
  'IN ACCEPT -p icmp -icmp-type echo-request',
];

test('mutated valid lines never make the parser or checks throw', () => {
  const mutated = fc
    .tuple(
      fc.array(fc.constantFrom(...VALID_LINES), { minLength: 1, maxLength: 20 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 3 })), { maxLength: 8 }),
    )
    .map(([lines, edits]) => {
      let text = lines.join('\n');
      for (const [at, drop, insert] of edits) {
        const pos = text.length === 0 ? 0 : at % (text.length + 1);
        text = text.slice(0, pos) + insert + text.slice(pos + (drop % 3));
      }
      return text;
    });
  fc.assert(
    fc.property(mutated, kind, (text, k) => assertSound(text, k, text)),
    { numRuns: 1500 },
  );
});
