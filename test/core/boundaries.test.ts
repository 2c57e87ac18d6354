// The core is pure: strings in, data out. Every import under server/src/core must stay inside it,
// except the one allowed package (ip-address). No vscode, no LSP, no Node built-ins.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const CORE = join(REPO_ROOT, 'server', 'src', 'core');
const ALLOWED_PACKAGES = ['ip-address'];

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
