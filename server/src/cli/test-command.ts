import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { compileRuleset } from '../core/compile';
import type { FirewallBackend } from '../core/model';
import {
  formatSimulation,
  prepareSimulation,
  runFirewallTests,
  type TestCaseResult,
  type TestRunReport,
} from '../core/simulate';
import { fsReason, inputError } from './errors';
import { readInputFile } from './sources';
import { ExitCode } from './exit-codes';
import type { CliIo } from './io';
import type { TestArgs } from './sim-args';
import { modelAndNode, skippedLines } from './simulate';
import { modelNode } from '../core';
import { nftAsResult } from '../core/nftables';
import { runTestsWith } from '../core/simulate';

/** One folder's run, as `pvefw test` and the corpus test see it. */
export interface DirRun {
  readonly dir: string;
  readonly report: TestRunReport;
  readonly notes: readonly string[];
}

/**
 * The folders to run: each DIR with a `tests` file, or else its sub-folders that have one
 * (so Proxmox's whole test/ folder runs in one go).
 */
export function testDirs(dirs: readonly string[], cwd: string): string[] {
  return dirs.flatMap((arg) => {
    const dir = resolve(cwd, arg);
    if (existsSync(join(dir, 'tests'))) return [dir];
    let subs: string[];
    try {
      subs = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'tests')))
        .map((e) => join(dir, e.name))
        .sort();
    } catch (error) {
      throw inputError(`cannot read ${arg}: ${fsReason(error)}`);
    }
    if (subs.length === 0) throw inputError(`${arg} has no tests file`);
    return subs;
  });
}

/** Compiles one folder and runs its tests: the code path of `pvefw test`. */
export function runTestDir(
  dir: string,
  topology: string | undefined,
  cwd: string,
  id?: string,
  backend?: FirewallBackend,
): DirRun {
  // A tests file is Proxmox's own format: without a topology.json it runs in Proxmox's test world.
  const choice = {
    world: 'proxmox-tests' as const,
    ...(topology ? { option: topology } : {}),
    ...(backend ? { backend } : {}),
  };
  const { model, node, input, notes } = modelAndNode(dir, undefined, choice, cwd);
  const text = readInputFile(join(resolve(cwd, dir), 'tests'), join(dir, 'tests'));
  const kept = notes.filter((n) => !n.startsWith("note: topology: Proxmox's test topology"));
  if (modelNode(model, node)?.backend === 'proxmox-firewall') {
    // The node runs proxmox-firewall: its own table decides (traffic to and from the node).
    const report = runTestsWith((request) => nftAsResult(model, node, request), text, id);
    return { dir, report, notes: kept };
  }
  const compiled = compileRuleset(input);
  const report = runFirewallTests(prepareSimulation(compiled), input.topology, text, id);
  return { dir, report, notes: [...kept, ...skippedLines(compiled)] };
}

function caseLines(shown: string, c: TestCaseResult): string[] {
  const head = `${c.passed ? 'PASS' : 'FAIL'} ${shown}:${c.test.lineNumber} ${c.test.text}`;
  if (c.passed) return [head];
  const lines = [head];
  if (c.error !== undefined) lines.push(`  error: ${c.error}`);
  for (const t of c.traversals) {
    if (t.passed) continue;
    const got = t.result?.verdict ?? `error: ${t.error ?? ''}`;
    lines.push(`  ${t.from} → ${t.to}: expected ${t.expected}, got ${got}`);
    if (t.result) lines.push(...formatSimulation(t.result).map((l) => `    ${l}`));
  }
  return lines;
}

export function runTest(args: TestArgs, io: CliIo): ExitCode {
  const dirs = testDirs(args.dirs, io.cwd);
  let cases = 0;
  let traversals = 0;
  let failed = 0;
  for (const dir of dirs) {
    const run = runTestDir(dir, args.topology, io.cwd, args.id, args.backend);
    const shown = relative(io.cwd, join(dir, 'tests')) || 'tests';
    const lines: string[] = [...run.notes];
    for (const e of run.report.parseErrors)
      lines.push(`FAIL ${shown}:${e.lineNumber} ${e.message}`);
    for (const c of run.report.cases) lines.push(...caseLines(shown, c));
    if (run.report.cases.length === 0) lines.push(`FAIL ${shown}: no tests found`);
    io.out(`${lines.join('\n')}\n`);
    cases += run.report.cases.length;
    traversals += run.report.traversals;
    failed += run.report.cases.filter((c) => !c.passed).length + run.report.parseErrors.length;
    if (run.report.cases.length === 0) failed++;
  }
  const folders = dirs.length === 1 ? '1 directory' : `${dirs.length} directories`;
  const outcome = failed === 0 ? 'all passed' : `${failed} failed`;
  io.out(`${folders}, ${cases} cases, ${traversals} packet traversals: ${outcome}\n`);
  return failed === 0 ? ExitCode.Ok : ExitCode.Findings;
}
