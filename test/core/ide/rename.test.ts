// Rename at `$0`: the files afterwards, or the reason it is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareRenameAt, renameAt } from '../../../server/src/core';
import { applyFileEdits, fixture } from './fixture';

interface Case {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly newName: string;
  /** The files that change, as they read afterwards. */
  readonly after?: Readonly<Record<string, string>>;
  /** Or: part of the refusal. */
  readonly error?: string;
}

const CLUSTER = '[IPSET web]\n10.0.0.1\n\n[RULES]\nIN ACCEPT -source +web\n';

const CASES: readonly Case[] = [
  {
    name: 'a reference on a line Proxmox drops is renamed too (it resolves once the line is fixed)',
    files: {
      'firewall/cluster.fw':
        '[IPSET management]\n10.0.0.0/24\n\n[RULES]\nIN ACCEPT -source +manag$0ement\n',
      'nodes/pve1/host.fw': '[RULES]\nIN ACCEPT -p  tcp -dport 22 -source +management\n',
    },
    newName: 'admins',
    after: {
      'firewall/cluster.fw': '[IPSET admins]\n10.0.0.0/24\n\n[RULES]\nIN ACCEPT -source +admins\n',
      'nodes/pve1/host.fw': '[RULES]\nIN ACCEPT -p  tcp -dport 22 -source +admins\n',
    },
  },
  {
    name: 'an ipset across files, lower-cased as Proxmox stores it, scopes kept',
    files: {
      'firewall/cluster.fw': CLUSTER.replace('+web', '+w$0eb'),
      'firewall/100.fw': '[RULES]\nIN ACCEPT -source +dc/web\nIN ACCEPT -dest +web\n',
    },
    newName: 'Frontends',
    after: {
      'firewall/cluster.fw':
        '[IPSET frontends]\n10.0.0.1\n\n[RULES]\nIN ACCEPT -source +frontends\n',
      'firewall/100.fw': '[RULES]\nIN ACCEPT -source +dc/frontends\nIN ACCEPT -dest +frontends\n',
    },
  },
  {
    name: 'an alias keeps the case it is given; references in ipset entries follow',
    files: {
      'firewall/cluster.fw':
        '[ALIASES]\ngw 10.0.0.1\n[IPSET s1]\nGW\n[RULES]\nIN ACCEPT -dest g$0w\n',
    },
    newName: 'Router',
    after: {
      'firewall/cluster.fw':
        '[ALIASES]\nRouter 10.0.0.1\n[IPSET s1]\nRouter\n[RULES]\nIN ACCEPT -dest Router\n',
    },
  },
  {
    name: 'a group and its GROUP rules',
    files: {
      'firewall/cluster.fw': '[group w$0eb]\nIN HTTP(ACCEPT)\n',
      'firewall/100.fw': '[RULES]\nGROUP web -i net0\n',
    },
    newName: 'frontend',
    after: {
      'firewall/cluster.fw': '[group frontend]\nIN HTTP(ACCEPT)\n',
      'firewall/100.fw': '[RULES]\nGROUP frontend -i net0\n',
    },
  },
  {
    name: 'refused: a name Proxmox rejects',
    files: { 'firewall/cluster.fw': CLUSTER.replace('+web', '+w$0eb') },
    newName: '9lives',
    error: "'9lives' is not a valid ipset name",
  },
  {
    name: 'refused: a group name over 18 characters',
    files: { 'firewall/cluster.fw': '[group w$0eb]\nIN HTTP(ACCEPT)\n' },
    newName: 'a-very-long-group-name',
    error: 'at most 18 characters',
  },
  {
    name: 'refused: the name is taken in the same file',
    files: {
      'firewall/cluster.fw': '[IPSET other]\n10.0.0.2\n' + CLUSTER.replace('+web', '+w$0eb'),
    },
    newName: 'other',
    error: "ipset 'other' is already defined in cluster.fw",
  },
  {
    name: 'refused: a guest set of the new name would capture the guest reference',
    files: {
      'firewall/cluster.fw': CLUSTER.replace('[IPSET web]', '[IPSET w$0eb]'),
      'firewall/100.fw': '[IPSET admins]\n192.168.0.1\n[RULES]\nIN ACCEPT -source +web\n',
    },
    newName: 'admins',
    error: "'+web' in 100.fw line 4 would then refer to the ipset 'admins' defined in 100.fw",
  },
  {
    name: 'refused: a dangling reference would come alive',
    files: {
      'firewall/cluster.fw': CLUSTER.replace('+web', '+w$0eb') + 'IN ACCEPT -source +typo\n',
    },
    newName: 'typo',
    error: "'+typo' in cluster.fw line 6 would then refer to the renamed ipset",
  },
  {
    name: 'refused: a reference that matches nothing',
    files: { 'firewall/cluster.fw': CLUSTER.replace('+web', '+W$0eb') },
    newName: 'x2',
    error: "'+Web' does not refer to any ipset",
  },
];

for (const c of CASES) {
  test(`rename: ${c.name}`, () => {
    const { ws, fileId, offset, texts } = fixture(c.files);
    const result = renameAt(ws, fileId, offset, c.newName);
    if (c.error !== undefined) {
      assert.ok('error' in result, 'refused');
      assert.ok(result.error.includes(c.error), result.error);
      return;
    }
    assert.ok('edits' in result, 'error' in result ? result.error : '');
    const after = applyFileEdits(texts, result.edits);
    for (const [path, text] of Object.entries(c.after ?? {})) assert.equal(after[path], text, path);
  });
}

test('rename: prepare gives the name under the cursor', () => {
  const { ws, fileId, offset } = fixture({
    'firewall/cluster.fw': CLUSTER.replace('+web', '+dc/w$0eb'),
  });
  assert.deepEqual(prepareRenameAt(ws, fileId, offset), {
    span: { start: 52, end: 55 },
    placeholder: 'web',
  });
});
