// The safe-regex lint of issue 15 for the patterns ESLint cannot see: every RegExp the programs
// build at run time from shared pieces (Perl's \s spelled out, the IPv6 grammar, Proxmox's option
// lists) is recorded while the modules load and parse real files, then linted with the same
// eslint-plugin-regexp rules the ESLint config applies to literals.
import { builtPatterns } from '../support/regexp-recorder';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Linter } from 'eslint';
import {
  checkFile,
  completionsAt,
  buildWorkspaceModel,
  fileKindFromPath,
} from '../../server/src/core';
import '../../server/src/cluster/pull';
import '../../server/src/cluster/push-workspace';
import '../../server/src/cli/run';
import { REPO_ROOT } from '../cli/helpers';

/** Parses and completes every example file, so patterns built inside functions are built too. */
function exerciseExamples(): void {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  for (const path of walk(join(REPO_ROOT, 'examples')).filter((p) => p.endsWith('.fw'))) {
    const kind = fileKindFromPath(path)!;
    const text = readFileSync(path, 'utf8');
    checkFile({ path, text }, kind);
    const ws = buildWorkspaceModel([{ id: path, path, kind, text }]);
    for (let offset = 0; offset <= text.length; offset += 7) completionsAt(ws, path, offset);
  }
}

test('every RegExp built at run time is free of super-linear backtracking and moves', async () => {
  exerciseExamples();
  const unique = new Map(builtPatterns.map((p) => [`/${p.source}/${p.flags}`, p]));
  assert.ok(unique.size >= 20, `only ${unique.size} patterns were recorded`);
  const { default: regexp } = (await import('eslint-plugin-regexp')) as {
    default: NonNullable<Linter.Config['plugins']>[string];
  };
  const linter = new Linter({ configType: 'flat' });
  const config: Linter.Config[] = [
    {
      plugins: { regexp },
      rules: {
        'regexp/no-super-linear-backtracking': 'error',
        'regexp/no-super-linear-move': 'error',
      },
    },
  ];
  const problems: string[] = [];
  for (const [literal, pattern] of unique) {
    for (const message of linter.verify(`${literal};\n`, config))
      problems.push(`${pattern.where}: ${literal}: ${message.message}`);
  }
  assert.deepEqual(problems, []);
});
