#!/usr/bin/env node
// Rewrites imports that reach past a core layer's entry point: every import of a file of
// server/src/core/<layer>/ from outside that layer (another layer, the CLI, the server, the
// client) goes through <layer>/index.ts, and the index gets an explicit export of each name so
// imported. Tests may import files directly and are left alone. Run it when ESLint says
// "Import ... through its entry point", then read the diff of the index files.
// usage: node scripts/fix-layer-imports.mjs [--dry]
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname, resolve, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dry = process.argv.includes('--dry');
const require = createRequire(join(repo, 'package.json'));
const ts = require('typescript');
const CORE = join(repo, 'server', 'src', 'core');
const roots = [join(repo, 'server', 'src'), join(repo, 'client', 'src')];

const files = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p);
  }
};
roots.forEach(walk);

/** The core layer a file belongs to ('' for core/index.ts, undefined outside the core). */
function layerOf(file) {
  if (!file.startsWith(CORE + sep)) return undefined;
  const parts = relative(CORE, file).split(sep);
  return parts.length > 1 ? parts[0] : '';
}
function resolveTs(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const c of [base + '.ts', join(base, 'index.ts')]) if (existsSync(c)) return c;
  return undefined;
}

// layer -> file -> Map(name -> { type: boolean })
const wanted = new Map();
const edits = new Map(); // file -> [{start,end,text}]
let rewritten = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const mine = layerOf(file);
  for (const stmt of sf.statements) {
    const isImport = ts.isImportDeclaration(stmt);
    const isExport = ts.isExportDeclaration(stmt);
    if ((!isImport && !isExport) || !stmt.moduleSpecifier) continue;
    const spec = stmt.moduleSpecifier.text;
    if (!spec.startsWith('.')) continue;
    const target = resolveTs(file, spec);
    if (!target) continue;
    const layer = layerOf(target);
    if (layer === undefined || layer === '' || layer === mine) continue;
    const layerDir = join(CORE, layer);
    if (target === join(layerDir, 'index.ts')) continue;
    const names = [];
    if (isImport) {
      const clause = stmt.importClause;
      if (!clause || clause.name)
        throw new Error(`${file}: default or side-effect import of ${spec}`);
      const nb = clause.namedBindings;
      if (!nb || !ts.isNamedImports(nb)) throw new Error(`${file}: namespace import of ${spec}`);
      for (const el of nb.elements)
        names.push({
          name: (el.propertyName ?? el.name).text,
          type: clause.isTypeOnly || el.isTypeOnly,
        });
    } else {
      const clause = stmt.exportClause;
      if (!clause || !ts.isNamedExports(clause)) throw new Error(`${file}: export * from ${spec}`);
      for (const el of clause.elements)
        names.push({
          name: (el.propertyName ?? el.name).text,
          type: stmt.isTypeOnly || el.isTypeOnly,
        });
    }
    if (!wanted.has(layer)) wanted.set(layer, new Map());
    const byFile = wanted.get(layer);
    if (!byFile.has(target)) byFile.set(target, new Map());
    for (const n of names) {
      const had = byFile.get(target).get(n.name);
      byFile.get(target).set(n.name, { type: had ? had.type && n.type : n.type });
    }
    let newSpec = relative(dirname(file), layerDir).split(sep).join('/');
    if (!newSpec.startsWith('.')) newSpec = './' + newSpec;
    const lit = stmt.moduleSpecifier;
    if (!edits.has(file)) edits.set(file, []);
    edits.get(file).push({ start: lit.getStart(sf) + 1, end: lit.getEnd() - 1, text: newSpec });
    rewritten++;
  }
}

// What each existing index already exports, by name.
function exportedNames(indexFile) {
  if (!existsSync(indexFile)) return new Set();
  const sf = ts.createSourceFile(
    indexFile,
    readFileSync(indexFile, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const out = new Set();
  for (const stmt of sf.statements)
    if (ts.isExportDeclaration(stmt) && stmt.exportClause && ts.isNamedExports(stmt.exportClause))
      for (const el of stmt.exportClause.elements) out.add(el.name.text);
  return out;
}

const report = [];
for (const [layer, byFile] of [...wanted].sort()) {
  const index = join(CORE, layer, 'index.ts');
  const have = exportedNames(index);
  const seen = new Map();
  const lines = [];
  for (const [file, names] of [...byFile].sort()) {
    const rel = './' + relative(join(CORE, layer), file).split(sep).join('/').replace(/\.ts$/, '');
    const missing = [...names].filter(([n]) => !have.has(n)).sort(([a], [b]) => a.localeCompare(b));
    for (const [n] of missing) {
      if (seen.has(n) && seen.get(n) !== rel)
        throw new Error(`${layer}: ${n} from ${seen.get(n)} and ${rel}`);
      seen.set(n, rel);
    }
    if (missing.length === 0) continue;
    const values = missing.filter(([, v]) => !v.type).map(([n]) => n);
    const types = missing.filter(([, v]) => v.type).map(([n]) => n);
    if (values.length && types.length)
      lines.push(
        `export { ${[...values, ...types.map((t) => `type ${t}`)].join(', ')} } from '${rel}';`,
      );
    else if (values.length) lines.push(`export { ${values.join(', ')} } from '${rel}';`);
    else lines.push(`export type { ${types.join(', ')} } from '${rel}';`);
  }
  report.push(
    `${layer}: ${lines.length} export lines added${existsSync(index) ? '' : ' (new index)'}`,
  );
  if (dry || lines.length === 0) continue;
  const before = existsSync(index) ? readFileSync(index, 'utf8').replace(/\n*$/, '\n') : '';
  writeFileSync(index, before + lines.join('\n') + '\n');
}
if (!dry)
  for (const [file, list] of edits) {
    let text = readFileSync(file, 'utf8');
    for (const e of list.sort((a, b) => b.start - a.start))
      text = text.slice(0, e.start) + e.text + text.slice(e.end);
    writeFileSync(file, text);
  }
console.log(`${rewritten} imports rewritten in ${edits.size} files`);
console.log(report.join('\n'));
if (!dry && rewritten > 0) console.log('then: npx prettier --write server/src client/src');
