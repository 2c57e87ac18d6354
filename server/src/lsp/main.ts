// Entry point of the language server (bundled to dist/server.js). Only wires.
// Transport from the command line: --stdio, --node-ipc (vscode-languageclient's default),
// --socket=<port> or --pipe=<name>.
import { createConnection } from 'vscode-languageserver/node';
import type { Connection } from 'vscode-languageserver/node';
import { setFlagsFromString } from 'node:v8';
import { describeError } from './guard';
import { startServer } from './server';

function connect(): Connection {
  try {
    return createConnection();
  } catch (error) {
    process.stderr.write(
      `pvefw language server: ${error instanceof Error ? error.message : String(error)}\n` +
        'usage: node server.js --stdio | --node-ipc | --socket=<port> | --pipe=<name>\n',
    );
    process.exit(2);
  }
}

// No inlining, as in the CLI (see cli/main.ts): the first analysis of an opened file is a cold
// run, and the keystroke path measured no slower without it.
setFlagsFromString('--max-inlined-bytecode-size=0');

const connection = connect();
const log = startServer(connection);
// Handlers are guarded; this is the last net for anything else (a stream error, a stray callback).
process.on('uncaughtException', (error) =>
  log.error(`pvefw: uncaught exception: ${describeError(error)}`),
);
process.on('unhandledRejection', (reason) =>
  log.error(`pvefw: unhandled rejection: ${describeError(reason)}`),
);
connection.listen();
