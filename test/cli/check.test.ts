// `pvefw check` end to end: the bundled CLI run in temporary folders.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CLI,
  PVE_TREE,
  REPO_ROOT,
  assertNoStack,
  assertUsageFailure,
  cleanup,
  makeTree,
  parseJsonOutput,
  pvefw,
  withoutReadOverride,
  writeTree,
} from './helpers';

const TEXT_LINE = /^(.+):(\d+):(\d+): (error|warning|information|hint) ([a-z0-9-]+): (.+)$/;

const temps: string[] = [];
function tree(files: Readonly<Record<string, string>> = {}): string {
  const root = makeTree(files);
  temps.push(root);
  return root;
}

before(() => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
});
after(() => temps.forEach(cleanup));

describe('folder walk in the /etc/pve layout', () => {
  test('finds every .fw file, sorted, with its kind, skipping node_modules and dot-folders', () => {
    const root = tree({
      ...PVE_TREE,
      '.git/firewall/cluster.fw': '[RULES]\nIN ACCEPT -p  tcp\n',
      'node_modules/x/firewall/cluster.fw': '[RULES]\nIN ACCEPT -p  tcp\n',
      'firewall/README.txt': 'not a firewall file',
    });
    const result = pvefw(['check', '--format', 'json', '.'], root);
    const output = parseJsonOutput(result.stdout);
    assert.deepEqual(
      output.files.map((f) => [f.path, f.kind]),
      [
        ['firewall/100.fw', 'guest'],
        ['firewall/cluster.fw', 'cluster'],
        ['nodes/pve1/host.fw', 'host'],
        ['sdn/firewall/vnet1.fw', 'vnet'],
      ],
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '', 'JSON mode writes nothing to stderr');
  });

  test('paths are shown as given: a folder argument prefixes what is found below it', () => {
    const root = tree(
      Object.fromEntries(Object.entries(PVE_TREE).map(([p, t]) => [`pve/${p}`, t])),
    );
    const relative = parseJsonOutput(pvefw(['check', '--format=json', 'pve/'], root).stdout);
    assert.deepEqual(relative.files[0]?.path, join('pve', 'firewall', '100.fw'));
    const absolute = parseJsonOutput(
      pvefw(['check', '--format=json', join(root, 'pve')], root).stdout,
    );
    assert.deepEqual(absolute.files[0]?.path, join(root, 'pve', 'firewall', '100.fw'));
    const single = parseJsonOutput(
      pvefw(['check', '--format=json', './pve/firewall/100.fw'], root).stdout,
    );
    assert.deepEqual(
      single.files.map((f) => f.path),
      ['./pve/firewall/100.fw'],
    );
  });

  test('a clean tree exits 0 with no error lines and a summary on stderr', () => {
    const root = tree(PVE_TREE);
    const result = pvefw(['check', '.'], root);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const lines = result.stdout.split('\n').filter((l) => l !== '');
    assert.deepEqual(
      lines.filter((l) => TEXT_LINE.exec(l)?.[4] === 'error'),
      [],
    );
    assert.match(result.stderr, /^4 files checked: .+\n$/);
    assertNoStack(result);
  });
});

describe('cluster.fw resolution', () => {
  test('a guest and the host see the ipset of firewall/cluster.fw', () => {
    const root = tree(PVE_TREE);
    const result = pvefw(
      ['check', '--format', 'json', 'firewall/100.fw', 'nodes/pve1/host.fw'],
      root,
    );
    const output = parseJsonOutput(result.stdout);
    for (const file of output.files) {
      assert.deepEqual(
        file.diagnostics.filter((d) => d.severity === 'error'),
        [],
        `${file.path} has no errors`,
      );
    }
    assert.equal(result.status, 0);
  });

  test('after removing the ipset from cluster.fw the guest reports undefined-ipset', () => {
    const root = tree(PVE_TREE);
    writeTree(root, { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n' });
    const result = pvefw(['check', 'firewall/100.fw'], root);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    const line = result.stdout.split('\n').find((l) => l.includes('undefined-ipset'));
    assert.ok(line, `an undefined-ipset line in:\n${result.stdout}`);
    // `IN ACCEPT -source +web ...` is line 5; `+web` starts at column 19.
    assert.ok(
      line.startsWith("firewall/100.fw:5:19: error undefined-ipset: no such ipset 'web'"),
      line,
    );
    assertNoStack(result);
  });

  test('the host finds firewall/cluster.fw two levels up', () => {
    const root = tree(PVE_TREE);
    writeTree(root, { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n' });
    const result = pvefw(['check', '--format', 'json', 'nodes/pve1/host.fw'], root);
    const [host] = parseJsonOutput(result.stdout).files;
    assert.ok(
      host?.diagnostics.some((d) => d.code === 'undefined-ipset'),
      result.stdout,
    );
    assert.equal(result.status, 1);
  });

  test('--cluster overrides the cluster.fw found beside the file', () => {
    const root = tree(PVE_TREE);
    writeTree(root, {
      'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
      'elsewhere/staging.fw': '[IPSET web]\n192.0.2.10\n',
    });
    const withOverride = pvefw(
      ['check', '--cluster', 'elsewhere/staging.fw', 'firewall/100.fw'],
      root,
    );
    assert.equal(withOverride.status, 0, withOverride.stdout + withOverride.stderr);
    assert.doesNotMatch(withOverride.stdout, /undefined-ipset/);
    const without = pvefw(['check', 'firewall/100.fw'], root);
    assert.equal(without.status, 1, without.stdout + without.stderr);
  });

  test('the cluster file itself is checked on its own, not against --cluster', () => {
    const root = tree({
      'firewall/cluster.fw': '[RULES]\nIN ACCEPT -source +web\n',
      'other.fw': '[IPSET web]\n192.0.2.10\n',
    });
    const result = pvefw(
      ['check', '--cluster=other.fw', '--format=json', 'firewall/cluster.fw'],
      root,
    );
    const [file] = parseJsonOutput(result.stdout).files;
    assert.ok(
      file?.diagnostics.some((d) => d.code === 'undefined-ipset'),
      result.stdout,
    );
    assert.equal(result.status, 1);
  });
});

describe('findings and formats', () => {
  test('text: one `path:line:column: severity code: message` line per finding', () => {
    const root = tree({ 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p  tcp\n' });
    const result = pvefw(['check', 'firewall'], root);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    const lines = result.stdout.split('\n').filter((l) => l !== '');
    assert.ok(lines.length >= 1, result.stdout);
    for (const line of lines) assert.match(line, TEXT_LINE);
    const match = TEXT_LINE.exec(lines[0]!);
    assert.equal(match?.[1], join('firewall', 'cluster.fw'));
    assert.equal(match?.[2], '2');
    assert.equal(match?.[4], 'error');
    assert.equal(match?.[5], 'unparsable-rule-parameters');
    assert.match(result.stderr, /^1 file checked: 1 error.*\n$/);
  });

  test('json: keys, 1-based positions with an exclusive end column, Proxmox verdict', () => {
    const root = tree({ 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -source +nope\n' });
    const result = pvefw(['check', '--format', 'json', 'firewall/cluster.fw'], root);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.equal(result.stderr, '');
    const output = parseJsonOutput(result.stdout);
    assert.equal(output.files.length, 1);
    assert.deepEqual(output.files[0]?.diagnostics, [
      {
        line: 2,
        column: 19,
        endLine: 2,
        endColumn: 24,
        severity: 'error',
        code: 'undefined-ipset',
        message: output.files[0]?.diagnostics[0]?.message,
        proxmox: 'kept-with-errors',
      },
    ]);
    assert.match(output.files[0]?.diagnostics[0]?.message ?? '', /^no such ipset 'nope'/);
  });

  test('json: a dropped line says so', () => {
    const root = tree({ 'firewall/cluster.fw': '[RULES]\nIN ACCEPT -p  tcp\n' });
    const result = pvefw(['check', '--format', 'json', 'firewall/cluster.fw'], root);
    const [diagnostic] = parseJsonOutput(result.stdout).files[0]?.diagnostics ?? [];
    assert.equal(diagnostic?.code, 'unparsable-rule-parameters');
    assert.equal(diagnostic?.proxmox, 'dropped');
    assert.equal(diagnostic?.line, 2);
    assert.equal(result.status, 1);
  });
});

describe('--kind', () => {
  test('gives a kind to a file whose name says nothing', () => {
    const root = tree({ 'rules.fw': '[RULES]\nIN ACCEPT -p  tcp\n' });
    const result = pvefw(['check', '--kind', 'cluster', '--format', 'json', 'rules.fw'], root);
    const output = parseJsonOutput(result.stdout);
    assert.deepEqual(
      output.files.map((f) => [f.path, f.kind]),
      [['rules.fw', 'cluster']],
    );
    assert.ok(output.files[0]?.diagnostics.some((d) => d.code === 'unparsable-rule-parameters'));
    assert.equal(result.status, 1);
  });

  test('overrides the kind told from the name, for every path', () => {
    const root = tree(PVE_TREE);
    const result = pvefw(['check', '--kind=host', '--format=json', 'firewall'], root);
    const output = parseJsonOutput(result.stdout);
    assert.deepEqual(
      output.files.map((f) => f.kind),
      ['host', 'host'],
    );
  });

  test('a file whose kind cannot be told is a usage error that asks for --kind', () => {
    const root = tree({ 'rules.fw': '[RULES]\nIN ACCEPT\n' });
    assertUsageFailure(pvefw(['check', 'rules.fw'], root), /rules\.fw.*--kind/);
  });

  test('such a file found in a folder walk gets a finding of its own; the rest is checked', () => {
    const root = tree({ ...PVE_TREE, 'firewall/backup-old.fw': '[RULES]\n' });
    const result = pvefw(['check', '--format', 'json', '.'], root);
    assert.equal(result.status, 0, result.stderr);
    const files = parseJsonOutput(result.stdout).files;
    const odd = files.find((f) => f.path === 'firewall/backup-old.fw');
    assert.equal(odd?.kind, 'unknown');
    assert.deepEqual(
      odd?.diagnostics.map((d) => [d.line, d.severity, d.code]),
      [[1, 'warning', 'unknown-file-kind']],
    );
    assert.ok(
      files.some((f) => f.path === 'firewall/cluster.fw' && f.kind === 'cluster'),
      'cluster.fw is still checked',
    );
  });
});

describe('bad usage and unreadable input exit 2 with one line and no stack', () => {
  test('missing path', () => {
    const root = tree();
    assertUsageFailure(pvefw(['check', 'no/such/cluster.fw'], root), /no\/such\/cluster\.fw/);
  });

  test('missing --cluster file', () => {
    const root = tree(PVE_TREE);
    assertUsageFailure(
      pvefw(['check', '--cluster', 'nope.fw', 'firewall/100.fw'], root),
      /--cluster.*nope\.fw/,
    );
  });

  test('a folder given as --cluster', () => {
    const root = tree(PVE_TREE);
    assertUsageFailure(
      pvefw(['check', '--cluster', 'firewall', 'firewall/100.fw'], root),
      /'firewall'.*directory/,
    );
  });

  test('an unreadable file', (t) => {
    const wrapper = withoutReadOverride();
    if (typeof wrapper === 'string') return t.skip(wrapper);
    const root = tree(PVE_TREE);
    chmodSync(join(root, 'firewall', '100.fw'), 0o000);
    assertUsageFailure(
      pvefw(['check', 'firewall/100.fw'], root, {}, wrapper),
      /firewall\/100\.fw.*permission denied/,
    );
  });

  test('a folder without .fw files', () => {
    const root = tree();
    mkdirSync(join(root, 'empty'));
    assertUsageFailure(pvefw(['check', 'empty'], root), /no \.fw files under 'empty'/);
  });

  for (const [argv, mentions] of [
    [['check', '--bogus', '.'], /unknown option '--bogus'/],
    [['check', '-x', '.'], /unknown option '-x'/],
    [['--bogus'], /unknown option '--bogus'/],
    [['check', '--format', 'xml', '.'], /--format 'xml'/],
    [['check', '--kind', 'vm', '.'], /--kind 'vm'/],
    [['check', '.', '--cluster'], /'--cluster' needs a value/],
    [['check'], /missing PATH/],
    [[], /missing command/],
    [['lint', '.'], /unknown command 'lint'/],
  ] as const) {
    test(`pvefw ${argv.join(' ')}`, () => {
      assertUsageFailure(pvefw(argv, tree()), mentions);
    });
  }
});

describe('help and version', () => {
  test('--help and check --help print usage on stdout and exit 0', () => {
    const root = tree();
    for (const argv of [
      ['--help'],
      ['-h'],
      ['check', '--help'],
      ['check', '-h', 'x.fw'],
      ['help'],
    ]) {
      const result = pvefw(argv, root);
      assert.equal(result.status, 0, argv.join(' '));
      assert.match(result.stdout, /pvefw check/);
      assert.equal(result.stderr, '');
    }
    assert.match(pvefw(['check', '--help'], root).stdout, /--cluster FILE/);
  });

  test('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const result = pvefw(['--version'], tree());
    assert.equal(result.status, 0);
    assert.equal(result.stdout, `${pkg.version}\n`);
  });
});
