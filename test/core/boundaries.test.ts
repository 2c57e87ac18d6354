// The core is pure: strings in, data out. Every import under server/src/core must stay inside it,
// except the one allowed package (ip-address). No vscode, no LSP, no Node built-ins. Inside, its
// layers form one order: a layer uses only layers below it, each through its entry point
// (index.ts); the programs (server/src/cli, lsp, cluster, client/src) use the entry points too.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const CORE = join(REPO_ROOT, 'server', 'src', 'core');
const ALLOWED_PACKAGES = ['ip-address'];
/** Lowest first: each layer may import only those before it (docs/ARCHITECTURE.md). */
const LAYER_ORDER = [
  'text',
  'steps',
  'findings',
  'facts',
  'syntax',
  'model',
  'compile',
  'analysis',
  'simulate',
  'nftables',
  'writer',
  'merge',
  'checks',
  'ide',
  'plan',
  'explain',
  'report',
];
const PROGRAMS = ['server/src/cli', 'server/src/lsp', 'server/src/cluster', 'client/src'].map(
  (dir) => join(REPO_ROOT, dir),
);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Why `specifier`, imported from `file`, breaks the boundary; undefined when it is fine. */
function violation(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(file), specifier);
    return target === CORE || target.startsWith(CORE + sep)
      ? undefined
      : 'reaches outside server/src/core';
  }
  const pkg = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0];
  if (pkg !== undefined && ALLOWED_PACKAGES.includes(pkg)) return undefined;
  if (specifier.startsWith('node:')) return 'Node built-in';
  if (/^vscode($|-languageserver|-jsonrpc|-languageclient)/.test(specifier))
    return 'editor/LSP package';
  return 'package not allowed in the core';
}

function importsOf(path: string): { specifier: string; line: number }[] {
  const text = readFileSync(path, 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const lineOf = (pos: number): number => text.slice(0, pos).split('\n').length;
  return [
    ...info.importedFiles.map((ref) => ({ specifier: ref.fileName, line: lineOf(ref.pos) })),
    ...info.typeReferenceDirectives.map((ref) => ({
      specifier: ref.fileName,
      line: lineOf(ref.pos),
    })),
    ...info.referencedFiles.map((ref) => ({ specifier: ref.fileName, line: lineOf(ref.pos) })),
  ];
}

test('server/src/core imports nothing outside itself but ip-address', () => {
  const files = tsFiles(CORE);
  assert.ok(files.length > 0, 'found the core sources');
  const problems: string[] = [];
  for (const file of files) {
    for (const { specifier, line } of importsOf(file)) {
      const why = violation(file, specifier);
      if (why) problems.push(`${relative(REPO_ROOT, file)}:${line}: '${specifier}': ${why}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the scanner sees every import form and judges each correctly', () => {
  const file = join(CORE, 'checks', 'example.ts');
  const cases: [string, boolean][] = [
    ['../text/span', true],
    ['./finding', true],
    ['ip-address', true],
    ['../../lsp/server', false],
    ['../../../../client/src/extension', false],
    ['vscode', false],
    ['vscode-languageserver/node', false],
    ['vscode-languageserver-textdocument', false],
    ['vscode-jsonrpc', false],
    ['node:fs', false],
    ['fs', false],
    ['path', false],
    ['net', false],
    ['http', false],
    ['https', false],
    ['child_process', false],
    ['os', false],
    ['crypto', false],
    ['fast-check', false],
  ];
  for (const [specifier, allowed] of cases) {
    assert.equal(violation(file, specifier) === undefined, allowed, specifier);
  }
  const forms = [
    '/// <reference types="m7" />',
    "import { a } from 'm1';",
    "import type { b } from 'm2';",
    "export * from 'm3';",
    "import 'm4';",
    "const c = require('m5');",
    "const d = import('m6');",
  ].join('\n');
  const info = ts.preProcessFile(forms, true, true);
  const seen = [...info.importedFiles, ...info.typeReferenceDirectives].map((r) => r.fileName);
  assert.deepEqual(seen.sort(), ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
});

/** The core layer a file sits in; '' for the core's own index.ts; undefined outside the core. */
function layerOf(path: string): string | undefined {
  if (!path.startsWith(CORE + sep)) return undefined;
  const parts = relative(CORE, path).split(sep);
  return parts.length > 1 ? parts[0] : '';
}

/** Why an import of `specifier` from `file` breaks the layer order; undefined when it is fine. */
function layerViolation(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(file), specifier);
  if (target !== CORE && !target.startsWith(CORE + sep)) return undefined;
  // '../model' and '../model/index' name the entry point; 'core' and 'core/index' the core's own.
  const parts = relative(CORE, target)
    .split(sep)
    .filter((part) => part !== '');
  if (parts.at(-1) === 'index') parts.pop();
  const to = parts[0] ?? '';
  const from = layerOf(file);
  if (to === from) return undefined;
  if (to === '') return from === undefined ? undefined : "the core's index.ts is for the programs";
  if (parts.length > 1) return `reaches into ${to}/ past its entry point (${to}/index.ts)`;
  if (from === undefined || from === '') return undefined;
  const [own, other] = [LAYER_ORDER.indexOf(from), LAYER_ORDER.indexOf(to)];
  if (own < 0) return `${from}/ is not in LAYER_ORDER`;
  if (other < 0) return `${to}/ is not in LAYER_ORDER`;
  return other < own ? undefined : `${from} is below ${to} in the layer order`;
}

test('every core layer is in the order, and each has an entry point', () => {
  const layers = readdirSync(CORE, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  assert.deepEqual([...layers].sort(), [...LAYER_ORDER].sort());
  for (const layer of layers)
    assert.ok(tsFiles(join(CORE, layer)).includes(join(CORE, layer, 'index.ts')), layer);
});

test('layers import only lower layers, and only through their entry points', () => {
  const problems: string[] = [];
  for (const file of [CORE, ...PROGRAMS].flatMap(tsFiles)) {
    for (const { specifier, line } of importsOf(file)) {
      const why = layerViolation(file, specifier);
      if (why) problems.push(`${relative(REPO_ROOT, file)}:${line}: '${specifier}': ${why}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the layer check tells each kind of import apart', () => {
  const plan = join(CORE, 'plan', 'example.ts');
  const cli = join(REPO_ROOT, 'server', 'src', 'cli', 'example.ts');
  const cases: [string, string, boolean][] = [
    [plan, './operations', true],
    [plan, '../model', true],
    [plan, '../text', true],
    [plan, '../model/cluster-model', false],
    [plan, '../report', false],
    [plan, '../explain', false],
    [plan, '../index', false],
    [join(CORE, 'text', 'example.ts'), '../findings', false],
    [join(CORE, 'index.ts'), './plan', true],
    [join(CORE, 'index.ts'), './plan/impact', false],
    [cli, '../core', true],
    [cli, '../core/index', true],
    [cli, '../core/plan', true],
    [cli, '../core/plan/impact', false],
    [cli, './args', true],
    [join(REPO_ROOT, 'client', 'src', 'sync', 'x.ts'), '../../../server/src/core/plan', true],
    [
      join(REPO_ROOT, 'client', 'src', 'sync', 'x.ts'),
      '../../../server/src/core/plan/lists',
      false,
    ],
  ];
  for (const [file, specifier, allowed] of cases)
    assert.equal(layerViolation(file, specifier) === undefined, allowed, `${file}: ${specifier}`);
});
