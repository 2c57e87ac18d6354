// Walks ../shared/corpus and asserts, file by file, that the lines we say Proxmox drops, keeps
// with errors, keeps as erroneous ipset entries or ignores are exactly the lines Proxmox's own
// parser warned about (how they were made: ../shared/corpus/README.md), with Proxmox's messages.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { checkFile, fileKindFromPath, LineIndex, type Finding } from '../../server/src/core';
import { fwFiles, listDirs, readText, sharedCorpusDir } from '../support/corpus';

const corpus = sharedCorpusDir();
const SKIP = corpus ? false : '../shared/corpus is not present in this checkout (CI has it)';

interface Expected {
  verdicts: Map<number, string>;
  messages: Map<number, string[]>;
  silentAliasDrops: number;
}

function parseWarnings(warnings: string[], crlf: boolean): Expected {
  const verdicts = new Map<number, string>();
  const messages = new Map<number, string[]>();
  let silentAliasDrops = 0;
  let current: number | undefined;
  for (const warning of warnings) {
    if (/^Use of uninitialized value in lc at src\/PVE\/Firewall\.pm line 3544\./.test(warning))
      silentAliasDrops++;
    const head =
      /^\S+ \(line (\d+)\)(?:: (.*)| - errors in (rule parameters|ipset '[^']*'):)/s.exec(warning);
    if (head) {
      const line = Number(head[1]);
      current = line;
      if (head[2] !== undefined) {
        verdicts.set(line, crlf ? 'file-ignored' : 'dropped');
        messages.set(line, [head[2].trim()]);
      } else {
        verdicts.set(line, head[3] === 'rule parameters' ? 'kept-with-errors' : 'entry-error');
        messages.set(line, []);
      }
      continue;
    }
    const field = /^ {2}[\w-]+: (.*)$/s.exec(warning);
    if (field && current !== undefined && verdicts.get(current) !== 'dropped') {
      messages.get(current)!.push(field[1]!.trim());
    }
  }
  return { verdicts, messages, silentAliasDrops };
}

function ours(
  findings: Finding[],
  text: string,
): { verdicts: Map<number, string>; messages: Map<number, string[]>; silent: number[] } {
  const index = new LineIndex(text);
  const verdicts = new Map<number, string>();
  const messages = new Map<number, string[]>();
  const silent: number[] = [];
  for (const f of findings) {
    if (f.proxmox === null) continue;
    const line = index.positionAt(f.span.start).line + 1;
    if (f.code === 'malformed-alias') {
      silent.push(line);
      continue;
    }
    verdicts.set(line, f.proxmox);
    messages.set(line, [...(messages.get(line) ?? []), f.message]);
  }
  return { verdicts, messages, silent };
}

function sorted(map: Map<number, string>): [number, string][] {
  return [...map.entries()].sort((a, b) => a[0] - b[0]);
}

// "unknown helper x" is printed with Perl's "at FILE line N." appended (the message lacks "\n").
function normalise(message: string): string {
  return message.replace(/ at src\/PVE\/Firewall\.pm line \d+\.$/, '').trim();
}

function compare(
  label: string,
  path: string,
  clusterPath: string | undefined,
  warnings: string[],
): void {
  const text = readText(path);
  const kind = fileKindFromPath(path)!;
  const cluster =
    clusterPath && kind !== 'cluster'
      ? { path: clusterPath, text: readText(clusterPath) }
      : undefined;
  const findings = checkFile({ path, text }, kind, {
    ...(cluster ? { cluster } : {}),
    sdnIpSets: [],
  });
  const expected = parseWarnings(warnings, text.includes('\r\n'));
  const got = ours(findings, text);
  assert.deepEqual(sorted(got.verdicts), sorted(expected.verdicts), `${label}: lines and verdicts`);
  assert.equal(
    got.silent.length,
    expected.silentAliasDrops,
    `${label}: aliases Proxmox drops silently`,
  );
  for (const [line, want] of expected.messages) {
    const have = (got.messages.get(line) ?? []).map(normalise).sort();
    assert.deepEqual(have, want.map(normalise).sort(), `${label}: messages on line ${line}`);
  }
}

test('upstream corpus: our verdict per line equals Proxmox parser output', { skip: SKIP }, () => {
  const upstream = join(corpus!, 'upstream');
  let files = 0;
  for (const dir of listDirs(upstream)) {
    const expectedDir = join(upstream, dir, 'expected');
    const clusterPath = join(upstream, dir, 'cluster.fw');
    for (const path of fwFiles(join(upstream, dir))) {
      const expectation = join(expectedDir, `${basename(path)}.json`);
      if (!existsSync(expectation)) continue;
      const { warnings } = JSON.parse(readFileSync(expectation, 'utf8')) as { warnings: string[] };
      compare(
        `${dir}/${basename(path)}`,
        path,
        existsSync(clusterPath) ? clusterPath : undefined,
        warnings,
      );
      files++;
    }
  }
  assert.ok(files >= 25, `expected to compare the upstream files, compared ${files}`);
});

test('edge corpus: our verdict per line equals Proxmox parser output', { skip: SKIP }, () => {
  const edge = join(corpus!, 'edge');
  let files = 0;
  for (const dir of listDirs(edge)) {
    const parsed = join(edge, dir, 'parsed.json');
    if (!existsSync(parsed)) continue;
    const { warnings } = JSON.parse(readFileSync(parsed, 'latin1')) as { warnings: string[] };
    const files_ = fwFiles(join(edge, dir));
    const target =
      files_.find((p) => /^(host|[0-9]+)\.fw$/.test(basename(p))) ?? join(edge, dir, 'cluster.fw');
    compare(`edge/${dir}`, target, join(edge, dir, 'cluster.fw'), warnings);
    files++;
  }
  assert.ok(files >= 10, `expected to compare the edge cases, compared ${files}`);
});

test(
  'edge corpus: an invalid log_ratelimit makes Proxmox ignore cluster.fw',
  { skip: SKIP },
  () => {
    const path = join(corpus!, 'edge', 'cluster-log-ratelimit-invalid', 'cluster.fw');
    const text = readText(path);
    const findings = checkFile({ path, text }, 'cluster', { sdnIpSets: [] });
    const index = new LineIndex(text);
    const fatal = findings.filter((f) => f.proxmox === 'file-ignored');
    assert.deepEqual(
      fatal.map((f) => [index.positionAt(f.span.start).line + 1, f.code]),
      [[3, 'invalid-log-ratelimit']],
    );
    assert.match(fatal[0]!.message, /rate: value does not match the regex pattern/);
  },
);

test('edge corpus: compile-time-only problems pass the parser silently', { skip: SKIP }, () => {
  const dir = join(corpus!, 'edge', 'compile-scopes');
  const cluster = { path: join(dir, 'cluster.fw'), text: readText(join(dir, 'cluster.fw')) };
  for (const path of fwFiles(dir)) {
    const kind = fileKindFromPath(path)!;
    const findings = checkFile({ path, text: readText(path) }, kind, { cluster, sdnIpSets: [] });
    assert.deepEqual(
      findings.filter((f) => f.proxmox !== null).map((f) => f.message),
      [],
      basename(path),
    );
  }
});
