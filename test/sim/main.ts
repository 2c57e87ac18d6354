// Runs the simulator on its own: node out/test/sim/main.js --port N --state DIR
// Prints the URL and the certificate fingerprint, then serves until interrupted.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSimulator } from './simulator';

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

async function main(): Promise<void> {
  const state = option('--state');
  if (!state || !existsSync(resolve(state, 'sim.json'))) {
    process.stderr.write(
      'usage: node out/test/sim/main.js --port N --state DIR (DIR must hold sim.json)\n',
    );
    process.exitCode = 2;
    return;
  }
  const sim = await startSimulator({
    stateDir: resolve(state),
    port: Number(option('--port') ?? '8006'),
    ...(option('--host') ? { host: option('--host')! } : {}),
  });
  process.stdout.write(`Proxmox API simulator listening on ${sim.url}/api2/json\n`);
  process.stdout.write(`certificate SHA-256 fingerprint: ${sim.fingerprint}\n`);
  const stop = (): void => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
