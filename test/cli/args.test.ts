// Command-line parsing: argv in, invocation or usage error out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../../server/src/cli/args';
import { CliError } from '../../server/src/cli/errors';

const accepted: [string[], ReturnType<typeof parseArgs>][] = [
  [['--help'], { command: 'help', topic: 'main' }],
  [['help', 'check'], { command: 'help', topic: 'check' }],
  [['check', 'a.fw', '--help'], { command: 'help', topic: 'check' }],
  [['--version'], { command: 'version' }],
  [['check', 'a'], { command: 'check', args: { format: 'text', paths: ['a'] } }],
  [
    ['check', '--format', 'json', '--kind=guest', 'a', '--cluster', 'c.fw', 'b'],
    {
      command: 'check',
      args: { format: 'json', kind: 'guest', cluster: 'c.fw', paths: ['a', 'b'] },
    },
  ],
  [
    ['check', '--format=text', '--', '--odd-name.fw', '-h'],
    { command: 'check', args: { format: 'text', paths: ['--odd-name.fw', '-h'] } },
  ],
  [['check', '-'], { command: 'check', args: { format: 'text', paths: ['-'] } }],
];

for (const [argv, expected] of accepted) {
  test(`accepts: ${argv.join(' ')}`, () => {
    assert.deepEqual(parseArgs(argv), expected);
  });
}

const rejected: [string[], RegExp][] = [
  [[], /missing command/],
  [['frob'], /unknown command 'frob'/],
  [['-x'], /unknown option '-x'/],
  [['check'], /missing PATH/],
  [['check', '--'], /missing PATH/],
  [['check', '--format'], /'--format' needs a value/],
  [['check', '--format', '--', 'a'], /'--format' needs a value/],
  [['check', '--format=yaml', 'a'], /--format 'yaml'/],
  [['check', '--kind', 'VM', 'a'], /--kind 'VM'.*cluster, host, guest, vnet/],
  [['check', '--cluster=', 'a'], /'--cluster' needs a value/],
  [['check', '--verbose', 'a'], /unknown option '--verbose'/],
  [['check', '--verbose=1', 'a'], /unknown option '--verbose'/],
];

for (const [argv, message] of rejected) {
  test(`rejects: ${argv.join(' ') || '(nothing)'}`, () => {
    assert.throws(
      () => parseArgs(argv),
      (error: unknown) =>
        error instanceof CliError && error.kind === 'usage' && message.test(error.message),
    );
  });
}
