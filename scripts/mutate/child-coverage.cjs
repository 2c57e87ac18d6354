// Preloaded (`--require`) into each test file's process during `npm run mutate`, before Stryker's
// own tap hook. Stryker's tap runner counts a mutant as covered by a test file only when the
// file's own process executed it; but the CLI and LSP tests run pvefw in child processes
// (dist/cli.js, dist/server.js), so their coverage would be lost and the mutants they alone reach
// reported as "no coverage". This file is therefore handed on to every child Node process through
// NODE_OPTIONS: a child writes what it covered to a folder when it exits, and the test file's
// process adds the children's counts to its own before Stryker's hook saves them. Only the dry
// run (STRYKER_DRY_RUN=true) records coverage; in mutant runs the children just inherit the
// active mutant through the environment, as the instrumented code expects.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DIR_VAR = 'PVEFW_MUTATE_CHILD_COVERAGE';
const namespace = process.env.STRYKER_NAMESPACE ?? '__stryker__';
const dryRun = process.env.STRYKER_DRY_RUN === 'true';

if (process.env[DIR_VAR] === undefined) {
  // The test file's process: children inherit this file and a folder to report into.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvefw-mutate-'));
  process.env[DIR_VAR] = dir;
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${__filename}`.trim();
  // Registered before Stryker's hook registers its own, so it runs first at exit.
  process.on('exit', () => {
    const stryker = globalThis[namespace];
    if (dryRun && stryker) {
      // A test file that only runs children has no coverage of its own yet.
      stryker.mutantCoverage ??= { static: {}, perTest: {} };
      const own = stryker.mutantCoverage.static;
      // A child still ending has not renamed its file into place yet: its coverage is lost.
      for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
        const counts = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
        for (const [id, count] of Object.entries(counts)) own[id] = (own[id] ?? 0) + count;
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
} else if (dryRun) {
  // A child (the CLI, the language server): report what it covered when it ends.
  const dir = process.env[DIR_VAR];
  process.on('exit', () => {
    const own = globalThis[namespace]?.mutantCoverage?.static;
    if (!own) return;
    // Written aside and renamed, so the parent never reads half a file. A parent that has
    // already ended took its folder with it: nothing to report to, and nothing to say.
    const file = path.join(dir, `${process.pid}.json`);
    try {
      fs.writeFileSync(`${file}.part`, JSON.stringify(own));
      fs.renameSync(`${file}.part`, file);
    } catch {
      // the folder is gone
    }
  });
}
