// The `pvefw` command. The bundler adds the `#!/usr/bin/env node` line (scripts/bundle.mjs).
import { ExitCode } from './exit-codes';
import { runCli } from './run';

// `pvefw check … | head` closes stdout early: finish quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  process.exit(error.code === 'EPIPE' ? (process.exitCode ?? ExitCode.Ok) : ExitCode.Usage);
});

process.exitCode = runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
});
