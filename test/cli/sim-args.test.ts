import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../../server/src/cli/args';

test('simulate and test command lines', () => {
  assert.deepEqual(
    parseArgs([
      'simulate',
      'fw',
      '--from',
      'host',
      '--to=vm100',
      '--dport',
      '22',
      '--proto',
      'udp',
    ]),
    {
      command: 'simulate',
      args: { dir: 'fw', from: 'host', to: 'vm100', packet: { proto: 'udp', dport: '22' } },
    },
  );
  assert.deepEqual(parseArgs(['test', 'a', 'b', '--topology', 'default', '--id', 'x']), {
    command: 'test',
    args: { dirs: ['a', 'b'], topology: 'default', id: 'x' },
  });
  assert.deepEqual(parseArgs(['simulate', '--help']), { command: 'help', topic: 'simulate' });
  assert.deepEqual(parseArgs(['help', 'test']), { command: 'help', topic: 'test' });
  assert.throws(() => parseArgs(['simulate', 'fw', '--from', 'host']), /--to/);
  assert.throws(() => parseArgs(['test']), /missing DIR/);
  assert.throws(() => parseArgs(['test', 'fw', '--colour', 'red']), /unknown option '--colour'/);
});
