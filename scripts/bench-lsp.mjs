#!/usr/bin/env node
// Editor latency through a real stdio LSP connection (dist/server.js), on the generated
// workspace of the benchmarks (test/bench/generate.ts): a guest with 1,000 rules and a
// cluster.fw with large ipsets and groups. Prints figures; asserts nothing.
// Needs a build: `npm run bench:lsp` (or `npm run build` first, then node scripts/bench-lsp.mjs).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const server = join(root, 'dist', 'server.js');
const generator = join(root, 'out', 'test', 'bench', 'generate.js');
if (!existsSync(server) || !existsSync(generator)) {
  console.error('bench-lsp: build first (npm run build)');
  process.exit(1);
}
const {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} = require('vscode-jsonrpc/node');
const { generateWorkspace } = require(generator);

const RULES = 1000;
const RUNS = 100;
const { cluster, guest } = generateWorkspace(RULES);
const folder = mkdtempSync(join(tmpdir(), 'pvefw-bench-lsp-'));
mkdirSync(join(folder, 'firewall'));
writeFileSync(join(folder, 'firewall', 'cluster.fw'), cluster);
writeFileSync(join(folder, 'firewall', '100.fw'), guest);
const clusterUri = pathToFileURL(join(folder, 'firewall', 'cluster.fw')).href;
const guestUri = pathToFileURL(join(folder, 'firewall', '100.fw')).href;

/** A language server on stdio, answering requests from the server with `onServerRequest`. */
function startServer(onServerRequest = () => null) {
  // PVEFW_BENCH_LSP_NODE_ARGS: flags for the server's node, e.g. `--cpu-prof --cpu-prof-dir=prof`
  // (the profile is written when the server exits on the `exit` notification).
  const nodeArgs = (process.env.PVEFW_BENCH_LSP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, server, '--stdio'], { stdio: 'pipe' });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  connection.onRequest(onServerRequest);
  connection.onNotification(() => undefined);
  connection.listen();
  return { child, connection };
}

/**
 * initialize + initialized, as a client that pulls diagnostics and takes refresh requests; with
 * `registration`, one that lets the server register diagnostic providers (as VS Code does).
 */
async function initialize(connection, folder, registration = false) {
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'bench' }],
    capabilities: {
      textDocument: { diagnostic: { dynamicRegistration: registration } },
      workspace: { diagnostics: { refreshSupport: true } },
    },
  });
  await connection.sendNotification('initialized', {});
}

const { child, connection } = startServer();

/** Median, 95th percentile and maximum of some timings. */
function stats(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

async function timed(runs, request) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await request(i);
    times.push(performance.now() - started);
  }
  return stats(times);
}

function print(name, { median, p95, max }) {
  const ms = (v) => `${v.toFixed(1).padStart(7)} ms`;
  console.log(`${name.padEnd(58)} median ${ms(median)}  p95 ${ms(p95)}  max ${ms(max)}`);
}

/** Positions (0-based line, character) of every occurrence of `needle` in `text`, offset by `delta`. */
function positions(text, needle, delta) {
  const found = [];
  text.split('\n').forEach((line, n) => {
    for (let at = line.indexOf(needle); at !== -1; at = line.indexOf(needle, at + 1))
      found.push({ line: n, character: at + delta });
  });
  return found;
}

/** Resolves when the server has exited on its own, or after 10 s. */
function exited(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const position = (list, i) => list[i % list.length];
const textDocument = { uri: guestUri };

try {
  await initialize(connection, folder);
  let version = 1;
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri: clusterUri, languageId: 'pve-firewall', version: 1, text: cluster },
  });
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { ...textDocument, languageId: 'pve-firewall', version, text: guest },
  });
  const first = performance.now();
  const report = await connection.sendRequest('textDocument/diagnostic', { textDocument });
  console.log(
    `workspace: guest with ${RULES} rules (${guest.length} bytes), cluster.fw ${cluster.length} bytes`,
  );
  console.log(
    `first diagnostics of the guest (parse + load both files): ${(performance.now() - first).toFixed(1)} ms, ${report.items.length} diagnostics`,
  );
  console.log('');

  const sets = positions(guest, '-source +set', 10);
  const rules = positions(guest, '-dport', 2);
  const macros = positions(guest, '(ACCEPT)', -2);
  print(
    'hover on +setN references (sets of 10 to 5,000 entries)',
    await timed(RUNS, (i) =>
      connection.sendRequest('textDocument/hover', { textDocument, position: position(sets, i) }),
    ),
  );
  const bigSet = positions(guest, '+set0', 3);
  print(
    'hover on +set0 (5,000 entries, nomatch holes)',
    await timed(20, (i) =>
      connection.sendRequest('textDocument/hover', { textDocument, position: position(bigSet, i) }),
    ),
  );
  print(
    'hover on a rule (plain summary)',
    await timed(RUNS, (i) =>
      connection.sendRequest('textDocument/hover', { textDocument, position: position(rules, i) }),
    ),
  );
  print(
    'hover on a macro',
    await timed(RUNS, (i) =>
      connection.sendRequest('textDocument/hover', { textDocument, position: position(macros, i) }),
    ),
  );
  print(
    'completion after -source (ipsets and aliases)',
    await timed(RUNS, (i) =>
      connection.sendRequest('textDocument/completion', {
        textDocument,
        position: position(sets, i),
      }),
    ),
  );
  print(
    'completion after -dport (service names)',
    await timed(RUNS, (i) =>
      connection.sendRequest('textDocument/completion', {
        textDocument,
        position: { ...position(rules, i), character: position(rules, i).character + 5 },
      }),
    ),
  );
  print(
    'completion at a line start (directions, headers)',
    await timed(RUNS, (i) =>
      connection.sendRequest('textDocument/completion', {
        textDocument,
        position: { line: position(rules, i).line, character: 0 },
      }),
    ),
  );

  const lines = guest.split('\n');
  print(
    `diagnostics after a keystroke in the ${RULES}-rule guest`,
    await timed(RUNS, async (i) => {
      version++;
      const line = 4 + (i % RULES);
      const range = {
        start: { line, character: lines[line].length },
        end: { line, character: lines[line].length },
      };
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: guestUri, version },
        contentChanges: [{ range, text: i % 2 ? '' : ' ' }],
      });
      await connection.sendRequest('textDocument/diagnostic', { textDocument });
    }),
  );
  let clusterVersion = 1;
  print(
    'guest diagnostics after a keystroke in its cluster.fw',
    await timed(20, async (i) => {
      clusterVersion++;
      const range = {
        start: { line: 0, character: 0 },
        end: { line: 0, character: i % 2 ? 1 : 0 },
      };
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: clusterUri, version: clusterVersion },
        contentChanges: [{ range, text: i % 2 ? '' : ' ' }],
      });
      await connection.sendRequest('textDocument/diagnostic', { textDocument });
    }),
  );
  print(
    'semantic tokens of the guest',
    await timed(20, () =>
      connection.sendRequest('textDocument/semanticTokens/full', { textDocument }),
    ),
  );
  print(
    'formatting the guest',
    await timed(20, () =>
      connection.sendRequest('textDocument/formatting', {
        textDocument,
        options: { tabSize: 2, insertSpaces: true },
      }),
    ),
  );
  print(
    'references of set0 across the workspace',
    await timed(20, (i) =>
      connection.sendRequest('textDocument/references', {
        textDocument,
        position: position(bigSet, i),
        context: { includeDeclaration: true },
      }),
    ),
  );
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
} finally {
  await exited(child);
  connection.dispose();
  child.kill();
  rmSync(folder, { recursive: true, force: true });
}

// Issue 14's editor figures: a guest file of 10,000 rules of the realistic shape
// (generateShaped), its cluster.fw beside it. Reachability findings come from a background
// analysis that starts once typing pauses (250 ms) and runs in time slices; while it runs,
// requests must still be answered at once. Measured twice: as VS Code, which lets the server
// register a second diagnostic provider for the analysis' findings, and as an editor that has one
// provider for every finding (both pull, as VS Code does, with the last result id).
const BIG = Number(process.env.PVEFW_BENCH_LSP_RULES ?? 10000);
const shaped = require(generator).generateShaped(BIG, 'realistic', 'guest');
const REACHABILITY = new Set(['shadowed-rule', 'redundant-rule', 'disabled-rule']);
const reachabilityOf = (items) => items.filter((d) => REACHABILITY.has(d.code));

async function editorOnLargeFile(twoProviders) {
  const bigFolder = mkdtempSync(join(tmpdir(), 'pvefw-bench-lsp-'));
  mkdirSync(join(bigFolder, 'firewall'));
  writeFileSync(join(bigFolder, 'firewall', 'cluster.fw'), shaped.cluster);
  writeFileSync(join(bigFolder, 'firewall', '100.fw'), shaped.guest);
  const bigDoc = { uri: pathToFileURL(join(bigFolder, 'firewall', '100.fw')).href };
  const refreshWaiters = [];
  let registered;
  const providerRegistered = new Promise((resolve) => (registered = resolve));
  const big = startServer((method) => {
    if (method === 'workspace/diagnostic/refresh')
      for (const wake of refreshWaiters.splice(0)) wake();
    if (method === 'client/registerCapability') registered();
    return null;
  });
  const nextRefresh = () => new Promise((resolve) => refreshWaiters.push(resolve));
  // Per provider, the last full report: its items are what the editor shows, its id is sent back.
  const providers = twoProviders ? ['pvefw', 'pvefw-reachability'] : [undefined];
  const last = new Map();
  /**
   * Pulls every provider at once, as VS Code does after a change: resolves with when each answer
   * came (ms from the call), the bytes of JSON they took and which were `full`.
   */
  async function pullAll() {
    const started = performance.now();
    const answered = [];
    const reports = await Promise.all(
      providers.map((identifier, i) =>
        big.connection
          .sendRequest('textDocument/diagnostic', {
            textDocument: bigDoc,
            ...(identifier === undefined ? {} : { identifier }),
            ...(last.has(identifier) ? { previousResultId: last.get(identifier).resultId } : {}),
          })
          .then((report) => {
            answered[i] = performance.now() - started;
            return report;
          }),
      ),
    );
    reports.forEach((report, i) => {
      if (report.kind === 'full') last.set(providers[i], report);
    });
    return {
      answered,
      bytes: reports.reduce((bytes, report) => bytes + JSON.stringify(report).length, 0),
      full: reports.map((report) => report.kind === 'full'),
    };
  }
  const shown = () => [...last.values()].flatMap((report) => report.items);
  /**
   * Pulls the guest's diagnostics until the analysis has given findings (with `line`: a
   * `disabled-rule` finding there, which only a new analysis gives; carried findings do not).
   */
  async function findingsAfter(line) {
    for (;;) {
      const refreshed = nextRefresh();
      await pullAll();
      const found = reachabilityOf(shown());
      const fresh =
        line === undefined
          ? found.length > 0
          : found.some((d) => d.code === 'disabled-rule' && d.range.start.line === line);
      if (fresh) return found.length;
      await refreshed;
    }
  }
  try {
    await initialize(big.connection, bigFolder, twoProviders);
    if (twoProviders) await providerRegistered;
    const opened = performance.now();
    await big.connection.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri: pathToFileURL(join(bigFolder, 'firewall', 'cluster.fw')).href,
        languageId: 'pve-firewall',
        version: 1,
        text: shaped.cluster,
      },
    });
    await big.connection.sendNotification('textDocument/didOpen', {
      textDocument: { ...bigDoc, languageId: 'pve-firewall', version: 1, text: shaped.guest },
    });
    const findings = await findingsAfter(undefined);
    console.log('');
    console.log(
      twoProviders
        ? 'as VS Code: the analysis findings from a second diagnostic provider'
        : 'as an editor with one diagnostic provider for every finding',
    );
    console.log(
      `workspace: guest with ${BIG.toLocaleString('en')} rules of issue 14's realistic shape (${shaped.guest.length} bytes)`,
    );
    console.log(
      `first reachability findings after opening it: ${(performance.now() - opened).toFixed(0)} ms (${findings} findings)`,
    );
    const lines = shaped.guest.split('\n');
    let version = 1;
    const hoverAt = lines.findIndex((l) => l.includes('+office'));
    const hover = () =>
      big.connection.sendRequest('textDocument/hover', {
        textDocument: bigDoc,
        position: { line: hoverAt, character: lines[hoverAt].indexOf('+office') + 3 },
      });
    const complete = () =>
      big.connection.sendRequest('textDocument/completion', {
        textDocument: bigDoc,
        position: { line: hoverAt, character: lines[hoverAt].indexOf('+office') + 1 },
      });
    const during = { hover: [], completion: [] };
    const pulls = [];
    const textPulls = [];
    const bytes = [];
    let analysisResent = 0;
    const fresh = [];
    // Each edit disables a live rule (a new finding), then typing pauses.
    const live = lines
      .map((line, n) => ({ line, n }))
      .filter(({ line }) => /^IN ACCEPT -p tcp -dport \d+ -source srv/.test(line))
      .slice(0, Number(process.env.PVEFW_BENCH_LSP_EDITS ?? 9));
    for (const { n } of live) {
      version++;
      // Waited for from the keystroke on: after a one-line edit the analysis reuses most walks,
      // and may be over before the requests below begin.
      let done = false;
      const analysed = nextRefresh().then(() => (done = true));
      const edited = performance.now();
      await big.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: bigDoc.uri, version },
        contentChanges: [
          {
            range: { start: { line: n, character: 0 }, end: { line: n, character: 0 } },
            text: '|',
          },
        ],
      });
      const pulled = await pullAll();
      pulls.push(Math.max(...pulled.answered));
      textPulls.push(pulled.answered[0]);
      bytes.push(pulled.bytes);
      if (twoProviders && pulled.full[1]) analysisResent++;
      // The analysis starts once typing has paused for 250 ms; until its findings come (the
      // server asks the client to pull again), hover and completion, one after another.
      await new Promise((resolve) => setTimeout(resolve, 300));
      while (!done) {
        for (const [name, request] of [
          ['hover', hover],
          ['completion', complete],
        ]) {
          const asked = performance.now();
          await request();
          during[name].push(performance.now() - asked);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await analysed;
      await findingsAfter(n);
      fresh.push(performance.now() - edited);
    }
    if (twoProviders)
      print(`keystroke to the text's own diagnostics (${live.length} edits)`, stats(textPulls));
    print(`keystroke to every diagnostic (${live.length} edits)`, stats(pulls));
    console.log(
      `  (the editor shows ${shown().length} diagnostics; ${twoProviders ? `the analysis findings were resent after ${analysisResent} of the ${live.length} edits, which dropped findings that named the edited rule; ` : ''}the largest answer took ${(Math.max(...bytes) / 1e6).toFixed(2)} MB of JSON)`,
    );
    print(`keystroke to new reachability findings (incl. the 250 ms pause)`, stats(fresh));
    print(`hover while the analysis runs (${during.hover.length} requests)`, stats(during.hover));
    print(
      `completion while the analysis runs (${during.completion.length} requests)`,
      stats(during.completion),
    );
    await big.connection.sendRequest('shutdown');
    await big.connection.sendNotification('exit');
  } finally {
    await exited(big.child);
    big.connection.dispose();
    big.child.kill();
    rmSync(bigFolder, { recursive: true, force: true });
  }
}

await editorOnLargeFile(true);
await editorOnLargeFile(false);
