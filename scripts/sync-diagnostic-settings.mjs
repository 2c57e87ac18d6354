#!/usr/bin/env node
// Writes one `pvefw.diagnostics.<code>` setting per diagnostic code into package.json
// (contributes.configuration), with the code's default severity and its one-line docs, from the
// compiled table (out/server/src/core/findings/codes.js; run `npx tsc -b` first). Other settings
// (pvefw.trace.server, pvefw.reachability.overlapHints, …) are hand-written and kept as they are,
// ahead of the generated ones: add new ones there. Usage: node scripts/sync-diagnostic-settings.mjs
// [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { DIAGNOSTIC_CODES } = require(
  join(root, 'out', 'server', 'src', 'core', 'findings', 'codes.js'),
);
const manifestPath = join(root, 'package.json');
const before = readFileSync(manifestPath, 'utf8');
const manifest = JSON.parse(before);

const PREFIX = 'pvefw.diagnostics.';
const properties = manifest.contributes.configuration.properties;
const kept = Object.fromEntries(
  Object.entries(properties).filter(([key]) => !key.startsWith(PREFIX)),
);
for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
  kept[`${PREFIX}${code}`] = {
    type: 'string',
    enum: ['error', 'warning', 'information', 'hint', 'off'],
    default: info.severity,
    markdownDescription: `${info.summary} (\`${code}\`; "off" hides it.)`,
  };
}
manifest.contributes.configuration.properties = kept;
const after = `${JSON.stringify(manifest, null, 2)}\n`;

if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error(
      'sync-diagnostic-settings: package.json is out of date; run node scripts/sync-diagnostic-settings.mjs',
    );
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(manifestPath, after);
  console.log(`sync-diagnostic-settings: ${Object.keys(DIAGNOSTIC_CODES).length} settings written`);
}
