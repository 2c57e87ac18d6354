// Run as a process of its own by client-shutdown.test.ts: starts one of the test clients against
// the server named by PVEFW_SERVER, shuts it down, and prints what is still active. The process
// must then exit by itself: whatever keeps it alive would keep a test file alive too.
import { IdeClient } from './ide-client';
import { LspClient } from './lsp-client';

async function main(kind: string | undefined): Promise<void> {
  if (kind === 'lsp') await (await LspClient.start()).shutdown();
  else if (kind === 'ide') await (await IdeClient.start()).shutdown();
  else throw new Error(`usage: shutdown-driver lsp|ide (got ${kind})`);
  process.stdout.write('shut down\n');
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
