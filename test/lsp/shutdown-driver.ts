// Run as a process of its own by client-shutdown.test.ts: starts the test client (either way) against
// the server named by PVEFW_SERVER, shuts it down, and prints what is still active. The process
// must then exit by itself: whatever keeps it alive would keep a test file alive too.
import { EDITOR, LspClient } from './lsp-client';

async function main(kind: string | undefined): Promise<void> {
  // `lsp` pushes diagnostics; `editor` pulls and applies edits, as VS Code does.
  if (kind === 'lsp') await (await LspClient.start()).shutdown();
  else if (kind === 'editor') await (await LspClient.start(EDITOR)).shutdown();
  else throw new Error(`usage: shutdown-driver lsp|editor (got ${kind})`);
  process.stdout.write('shut down\n');
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
