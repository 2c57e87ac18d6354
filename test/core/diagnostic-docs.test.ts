// Every diagnostic code has a docs page (linked from the editor) and a setting, and the example on
// each page really produces its code: the docs are checked like code.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import {
  buildClusterModel,
  checkCluster,
  checkFile,
  checkReachability,
  DIAGNOSTIC_CODES,
  type DiagnosticCode,
  fileKindFromPath,
  unknownKindFinding,
} from '../../server/src/core';
import type { SourceFile } from '../../server/src/core';

const ROOT = resolve(__dirname, '..', '..', '..');
const DOCS = join(ROOT, 'docs', 'diagnostics');
const CODES = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];

interface Example {
  readonly path: string;
  readonly text: string;
}

/** The fenced `pve-firewall` blocks of a page; the first line of each names its file. */
function examples(page: string): Example[] {
  const blocks = [...page.matchAll(/```pve-firewall\n# ([^\n]+)\n([\s\S]*?)```/g)];
  return blocks.map((m) => {
    const crlf = m[1]!.includes('(saved with CRLF line ends)');
    const path = m[1]!.replace(/ \(.*\)$/, '');
    return { path, text: crlf ? m[2]!.replace(/\n/g, '\r\n') : m[2]! };
  });
}

test('every diagnostic code has a docs page, and every page a code', () => {
  const pages = readdirSync(DOCS).filter((n) => n.endsWith('.md'));
  assert.deepEqual(
    pages.map((n) => n.replace(/\.md$/, '')).sort(),
    [...CODES].sort(),
    'docs/diagnostics/<code>.md for exactly the codes of server/src/core/findings/codes.ts',
  );
  for (const code of CODES) {
    const page = readFileSync(join(DOCS, `${code}.md`), 'utf8');
    for (const heading of ['## What Proxmox does', '## Example', '## How to fix'])
      assert.ok(page.includes(heading), `${code}.md has "${heading}"`);
  }
});

for (const code of CODES.filter((c) => existsSync(join(DOCS, `${c}.md`)))) {
  const page = readFileSync(join(DOCS, `${code}.md`), 'utf8');
  if (page.includes('<!-- example not checked:')) continue;
  test(`docs/diagnostics/${code}.md: the example is reported as ${code}`, () => {
    const files = examples(page);
    assert.ok(files.length > 0, 'the page has an example');
    const cluster = files.find((f) => fileKindFromPath(f.path) === 'cluster');
    if (page.includes('<!-- example checked with the workspace reachability analysis -->')) {
      assert.ok(cluster, 'a reachability example is a cluster.fw');
      const model = buildClusterModel({ cluster });
      const found = [...checkReachability(model, { overlapHints: true }).values()]
        .flat()
        .map((f) => f.code);
      assert.ok(found.includes(code), `reported: ${found.join(', ') || 'nothing'}`);
      return;
    }
    if (page.includes('<!-- example checked on nodes with nftables: 1 -->')) {
      assert.ok(cluster, 'an nftables example is a cluster.fw');
      const model = buildClusterModel({
        cluster,
        world: 'assumed',
        defaultBackend: 'proxmox-firewall',
      });
      const found = [...checkCluster(model).values()].flat().map((f) => f.code);
      assert.ok(found.includes(code), `reported: ${found.join(', ') || 'nothing'}`);
      return;
    }
    const reported = files.flatMap((file) => {
      const kind = fileKindFromPath(file.path);
      // What the CLI and the editor report for a file whose name says no kind.
      if (kind === undefined) return [unknownKindFinding().code];
      const source: SourceFile = { path: file.path, text: file.text };
      const options =
        cluster && file !== cluster ? { cluster: { path: cluster.path, text: cluster.text } } : {};
      return checkFile(source, kind, { ...options, nowSeconds: 1_700_000_000 }).map((f) => f.code);
    });
    assert.ok(reported.includes(code), `reported: ${reported.join(', ') || 'nothing'}`);
  });
}

test('package.json declares pvefw.diagnostics.<code> for every code, defaulting to its severity', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: {
      configuration: { properties: Record<string, { default?: unknown; enum?: unknown }> };
    };
  };
  const properties = manifest.contributes.configuration.properties;
  for (const code of CODES) {
    const property = properties[`pvefw.diagnostics.${code}`];
    assert.ok(
      property,
      `pvefw.diagnostics.${code} is declared (run node scripts/sync-diagnostic-settings.mjs)`,
    );
    assert.equal(property.default, DIAGNOSTIC_CODES[code].severity, `default of ${code}`);
    assert.deepEqual(property.enum, ['error', 'warning', 'information', 'hint', 'off']);
  }
});
