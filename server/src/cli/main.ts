// The `pvefw` command. The bundler adds the `#!/usr/bin/env node` line (scripts/bundle.mjs).
import { ExitCode } from './exit-codes';
import { createInterface } from 'node:readline/promises';
import { setFlagsFromString } from 'node:v8';
import { runCliAsync } from './run';

// No inlining by V8's optimising compiler. A check spends most of its run before optimised code
// for its functions is ready, and inlining makes each of those compiles bigger and later: without
// it a cold check of a 5,000-rule guest runs 17% fewer instructions (scripts/count-instructions.mjs)
// and takes about 10% less time, and a warm analysis is no slower.
setFlagsFromString('--max-inlined-bytecode-size=0');

// `pvefw check … | head` closes stdout early: finish quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  process.exit(error.code === 'EPIPE' ? (process.exitCode ?? ExitCode.Ok) : ExitCode.Usage);
});

// push asks for confirmation on a terminal; without one it needs --yes.
const ask = process.stdin.isTTY
  ? async (question: string): Promise<string> => {
      const terminal = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await terminal.question(question);
      } finally {
        terminal.close();
      }
    }
  : undefined;

void runCliAsync(
  process.argv.slice(2),
  {
    cwd: process.cwd(),
    env: process.env,
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
  },
  ask,
).then((code) => {
  process.exitCode = code;
});
