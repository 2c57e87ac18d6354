import { parseArgs } from './args';
import { runCheck } from './check';
import { CliError } from './errors';
import { ExitCode } from './exit-codes';
import { DIFF_HELP, runDiff } from './diff';
import { EXPLAIN_HELP, runExplain } from './explain';
import { REPORT_HELP, runReport } from './report';
import { CHECK_HELP, MAIN_HELP, packageVersion } from './help';
import type { CliIo } from './io';
import { oneLine, terminalIo } from './terminal-text';
import { SIMULATE_HELP, TEST_HELP } from './sim-help';
import { runSimulate } from './simulate';
import { runTest } from './test-command';
import { parseSyncArgs, SYNC_COMMANDS, type SyncCommand } from './sync-args';
import { CONFIRM_HELP, PLAN_HELP, PULL_HELP, PUSH_HELP, TRUST_HELP } from './sync-help';
import { runSync, type Ask } from './sync-run';

/**
 * Runs one `pvefw` command line and returns its exit code. Never throws: user errors become one
 * line on stderr, anything unexpected a one-line internal error (with the stack only when
 * PVEFW_DEBUG=1).
 */
export function runCli(argv: readonly string[], rawIo: CliIo): ExitCode {
  const io = terminalIo(rawIo);
  try {
    const invocation = parseArgs(argv);
    switch (invocation.command) {
      case 'help':
        io.out(
          {
            main: MAIN_HELP,
            check: CHECK_HELP,
            simulate: SIMULATE_HELP,
            test: TEST_HELP,
            explain: EXPLAIN_HELP,
            diff: DIFF_HELP,
            report: REPORT_HELP,
          }[invocation.topic],
        );
        return ExitCode.Ok;
      case 'version':
        io.out(`${packageVersion()}\n`);
        return ExitCode.Ok;
      case 'check':
        return runCheck(invocation.args, io);
      case 'simulate':
        return runSimulate(invocation.args, io);
      case 'test':
        return runTest(invocation.args, io);
      case 'explain':
        return runExplain(invocation.args, io);
      case 'diff':
        return runDiff(invocation.args, io);
      case 'report':
        return runReport(invocation.args, io);
    }
  } catch (error) {
    return reportError(error, argv, io);
  }
}

const SYNC_HELP: Record<SyncCommand, string> = {
  pull: PULL_HELP,
  plan: PLAN_HELP,
  push: PUSH_HELP,
  trust: TRUST_HELP,
  confirm: CONFIRM_HELP,
};

/**
 * runCli for every command, including those that talk to a cluster (pull, plan, push, trust),
 * which are asynchronous. `ask` prompts on the terminal (push's confirmation).
 */
export async function runCliAsync(
  argv: readonly string[],
  rawIo: CliIo,
  ask?: Ask,
): Promise<ExitCode> {
  const [first, second] = argv;
  const command = (first === 'help' && argv.length === 2 ? second : first) as SyncCommand;
  if (!SYNC_COMMANDS.includes(command)) return runCli(argv, rawIo);
  const io = terminalIo(rawIo);
  try {
    const args = first === 'help' ? 'help' : parseSyncArgs(command, argv.slice(1));
    if (args === 'help') {
      io.out(SYNC_HELP[command]);
      return ExitCode.Ok;
    }
    return await runSync(args, io, ask);
  } catch (error) {
    return reportError(error, argv, io);
  }
}

function reportError(error: unknown, argv: readonly string[], io: CliIo): ExitCode {
  // Terraform's contract, which drift checks script against: 2 means changes, so an error is 1.
  const failed = argv.includes('--detailed-exitcode') ? ExitCode.Findings : ExitCode.Usage;
  if (error instanceof CliError) {
    const command = argv[0] ?? '';
    const help = [
      'check',
      'simulate',
      'test',
      'explain',
      'diff',
      'report',
      ...SYNC_COMMANDS,
    ].includes(command)
      ? `pvefw ${command} --help`
      : 'pvefw --help';
    const suffix = error.kind === 'usage' ? ` (see '${help}')` : '';
    io.err(`pvefw: ${oneLine(error.message).trim()}${suffix}\n`);
    return failed;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (io.env['PVEFW_DEBUG'] === '1') {
    io.err(`pvefw: internal error: ${oneLine(message).trim()}\n`);
    if (error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  } else {
    io.err(`pvefw: internal error: ${oneLine(message).trim()} (set PVEFW_DEBUG=1 for details)\n`);
  }
  return failed;
}
