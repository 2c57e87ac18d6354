import { parseArgs } from './args';
import { runCheck } from './check';
import { CliError } from './errors';
import { ExitCode } from './exit-codes';
import { CHECK_HELP, MAIN_HELP, packageVersion } from './help';
import type { CliIo } from './io';
import { SIMULATE_HELP, TEST_HELP } from './sim-help';
import { runSimulate } from './simulate';
import { runTest } from './test-command';

/**
 * Runs one `pvefw` command line and returns its exit code. Never throws: user errors become one
 * line on stderr, anything unexpected a one-line internal error (with the stack only when
 * PVEFW_DEBUG=1).
 */
export function runCli(argv: readonly string[], io: CliIo): ExitCode {
  try {
    const invocation = parseArgs(argv);
    switch (invocation.command) {
      case 'help':
        io.out(
          { main: MAIN_HELP, check: CHECK_HELP, simulate: SIMULATE_HELP, test: TEST_HELP }[
            invocation.topic
          ],
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
    }
  } catch (error) {
    return reportError(error, argv, io);
  }
}

function reportError(error: unknown, argv: readonly string[], io: CliIo): ExitCode {
  if (error instanceof CliError) {
    const command = argv[0] ?? '';
    const help = ['check', 'simulate', 'test'].includes(command)
      ? `pvefw ${command} --help`
      : 'pvefw --help';
    const suffix = error.kind === 'usage' ? ` (see '${help}')` : '';
    io.err(`pvefw: ${oneLine(error.message)}${suffix}\n`);
    return ExitCode.Usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (io.env['PVEFW_DEBUG'] === '1') {
    io.err(`pvefw: internal error: ${oneLine(message)}\n`);
    if (error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  } else {
    io.err(`pvefw: internal error: ${oneLine(message)} (set PVEFW_DEBUG=1 for details)\n`);
  }
  return ExitCode.Usage;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
