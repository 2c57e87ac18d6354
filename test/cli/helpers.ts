// Shared set-up for the CLI tests: a temporary folder of .fw files and a way to run the bundled
// `pvefw` (dist/cli.js, built by `npm test` before the tests run) inside it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const CLI = join(REPO_ROOT, 'dist', 'cli.js');

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node dist/cli.js ...args` in `cwd` (without PVEFW_DEBUG) and collects its output; with
 * `wrapper`, as `wrapper... node dist/cli.js ...args`.
 */
export function pvefw(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  wrapper: readonly string[] = [],
): RunResult {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!('PVEFW_DEBUG' in env)) delete childEnv['PVEFW_DEBUG'];
  const command = [...wrapper, process.execPath, CLI, ...args];
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd,
    env: childEnv,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * What to put before `node` so that file permissions apply to it, or why that cannot be done here.
 * Root reads any file through two capabilities, CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH; as root,
 * util-linux's setpriv drops both from the bounding set, so the node it starts has neither and a
 * file without read bits is refused to it as to anyone. Other users need nothing.
 */
export function withoutReadOverride(): readonly string[] | string {
  if (process.getuid?.() !== 0) return [];
  const wrapper = ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--'];
  const probe = spawnSync(wrapper[0]!, [...wrapper.slice(1), 'true'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const why = probe.error?.message ?? probe.stderr.trim();
    return `root reads any file, and cannot drop that here (setpriv: ${why})`;
  }
  return wrapper;
}

/** A fresh temporary folder holding `files` (relative path → text); removed by `cleanup`. */
export function makeTree(files: Readonly<Record<string, string>> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'pvefw-cli-'));
  writeTree(root, files);
  return root;
}

export function writeTree(root: string, files: Readonly<Record<string, string>>): void {
  for (const [path, text] of Object.entries(files)) {
    const absolute = join(root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, text);
  }
}

export function cleanup(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** Exit code 2 with one clear line on stderr, nothing on stdout, and no stack trace. */
export function assertUsageFailure(result: RunResult, mentions: RegExp): void {
  assert.equal(result.status, 2, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^pvefw: .+\n$/, 'exactly one line on stderr');
  assert.match(result.stderr, mentions);
  assertNoStack(result);
}

export function assertNoStack(result: RunResult): void {
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace on stderr');
  assert.doesNotMatch(result.stderr, /Error:|node:internal/, 'no raw Node error on stderr');
}

/** The /etc/pve layout with a cluster ipset `web` that a guest and the host use. */
export const PVE_TREE: Readonly<Record<string, string>> = {
  'firewall/cluster.fw': [
    '[OPTIONS]',
    'enable: 1',
    '',
    '[IPSET web]',
    '192.0.2.10',
    '192.0.2.11',
    '',
    '[RULES]',
    'IN SSH(ACCEPT) -source 192.0.2.0/24',
    '',
  ].join('\n'),
  'firewall/100.fw': [
    '[OPTIONS]',
    'enable: 1',
    '',
    '[RULES]',
    'IN ACCEPT -source +web -p tcp -dport 443',
    '',
  ].join('\n'),
  'nodes/pve1/host.fw': ['[RULES]', 'IN ACCEPT -source +web -p tcp -dport 8006', ''].join('\n'),
  'sdn/firewall/vnet1.fw': [
    '[OPTIONS]',
    'enable: 1',
    '',
    '[RULES]',
    'FORWARD ACCEPT -p tcp -dport 80',
    '',
  ].join('\n'),
};

/** The JSON output's keys, exactly as the CLI documents them. */
export const FILE_KEYS = ['diagnostics', 'kind', 'path'];
export const DIAGNOSTIC_KEYS = [
  'code',
  'column',
  'endColumn',
  'endLine',
  'line',
  'message',
  'proxmox',
  'severity',
];

export interface JsonDiagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
  proxmox: string | null;
}

export interface JsonOutput {
  files: { path: string; kind: string; diagnostics: JsonDiagnostic[] }[];
}

/** Parses the JSON output and checks its shape: exactly the documented keys and value types. */
export function parseJsonOutput(stdout: string): JsonOutput {
  const parsed = JSON.parse(stdout) as unknown;
  assert.ok(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed));
  assert.deepEqual(Object.keys(parsed), ['files']);
  const output = parsed as JsonOutput;
  assert.ok(Array.isArray(output.files));
  for (const file of output.files) {
    assert.deepEqual(Object.keys(file).sort(), FILE_KEYS);
    assert.equal(typeof file.path, 'string');
    assert.ok(['cluster', 'host', 'guest', 'vnet', 'unknown'].includes(file.kind), file.kind);
    for (const d of file.diagnostics) {
      assert.deepEqual(Object.keys(d).sort(), DIAGNOSTIC_KEYS);
      for (const key of ['line', 'column', 'endLine', 'endColumn'] as const) {
        assert.ok(Number.isInteger(d[key]) && d[key] >= 1, `${key} is a 1-based integer`);
      }
      assert.ok(['error', 'warning', 'information', 'hint'].includes(d.severity), d.severity);
      assert.match(d.code, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.equal(typeof d.message, 'string');
      assert.ok(
        d.proxmox === null ||
          ['dropped', 'kept-with-errors', 'entry-error', 'file-ignored'].includes(d.proxmox),
        String(d.proxmox),
      );
    }
  }
  return output;
}
