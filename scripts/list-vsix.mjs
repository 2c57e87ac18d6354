#!/usr/bin/env node
// Lists the files inside a .vsix (a zip) and fails when it holds anything besides what VS Code
// needs: dist/, syntaxes/, docs/, language-configuration.json, package.json, the readme, changelog,
// license and icon (plus vsce's own manifest files). Reads the zip's central directory itself,
// so CI needs no unzip. Usage: node scripts/list-vsix.mjs [pvefw.vsix]
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'pvefw.vsix';
let zip;
try {
  zip = readFileSync(file);
} catch (error) {
  console.error(`list-vsix: cannot read ${file}: ${error.message}`);
  process.exit(2);
}

function centralDirectory(buffer) {
  // The end-of-central-directory record sits in the last 22 + up to 65535 (comment) bytes.
  for (let at = buffer.length - 22; at >= Math.max(0, buffer.length - 22 - 65535); at--) {
    if (buffer.readUInt32LE(at) === 0x06054b50) {
      return { count: buffer.readUInt16LE(at + 10), offset: buffer.readUInt32LE(at + 16) };
    }
  }
  throw new Error(`${file} is not a zip file`);
}

const entries = [];
const { count, offset } = centralDirectory(zip);
let at = offset;
for (let i = 0; i < count; i++) {
  if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
  const size = zip.readUInt32LE(at + 24);
  const nameLength = zip.readUInt16LE(at + 28);
  const extraLength = zip.readUInt16LE(at + 30);
  const commentLength = zip.readUInt16LE(at + 32);
  entries.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), size });
  at += 46 + nameLength + extraLength + commentLength;
}

const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/dist\/.+/,
  /^extension\/syntaxes\/.+/,
  /^extension\/docs\/.+/,
  /^extension\/language-configuration\.json$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/changelog\.md$/i,
  /^extension\/license(\.txt|\.md)?$/i,
  /^extension\/icon\.png$/,
];

let total = 0;
for (const entry of entries) {
  total += entry.size;
  console.log(`${String(entry.size).padStart(10)}  ${entry.name}`);
}
console.log(`${String(total).padStart(10)}  ${entries.length} files in ${file}`);

const unexpected = entries.filter((e) => !ALLOWED.some((pattern) => pattern.test(e.name)));
if (unexpected.length > 0) {
  console.error(`list-vsix: unexpected files in ${file}:`);
  for (const entry of unexpected) console.error(`  ${entry.name}`);
  process.exit(1);
}
