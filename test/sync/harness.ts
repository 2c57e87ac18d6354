// A simulator on 127.0.0.1 over real HTTPS, a workspace folder and a cluster client that pins the
// simulator's certificate, for the sync tests. One per test (state is cheap to build).
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PveClient, type ClientOptions } from '../../server/src/cluster/client';
import { readFwFiles } from '../../server/src/cluster/workspace';
import { startSimulator, type Simulator } from '../sim/simulator';
import { TOKEN, writeSimState, type Fixture } from '../support/sim-fixture';

export interface SyncHarness {
  readonly sim: Simulator;
  readonly client: PveClient;
  /** The workspace folder. */
  readonly ws: string;
  /** Writes (non-GET requests) the simulator has handled so far. */
  writes(): number;
  /** The workspace's firewall files plus topology.json. */
  files(): Map<string, string>;
  write(path: string, text: string): void;
  read(path: string): string;
  close(): Promise<void>;
}

export async function syncHarness(
  fixture: Fixture,
  options: Partial<ClientOptions> = {},
  simOptions: { nodeEndpoints?: boolean } = {},
): Promise<SyncHarness> {
  const stateDir = writeSimState(fixture);
  const sim = await startSimulator({ stateDir, authFailureDelayMs: 0, ...simOptions });
  const client = new PveClient({
    baseUrl: sim.url,
    fingerprint: sim.fingerprint,
    credentials: { kind: 'token', token: TOKEN },
    ...options,
  });
  const ws = mkdtempSync(join(tmpdir(), 'pvefw-ws-'));
  return {
    sim,
    client,
    ws,
    writes: () => sim.requests.filter((r) => r.method !== 'GET').length,
    files() {
      const files = readFwFiles(ws);
      files.set('topology.json', readFileSync(join(ws, 'topology.json'), 'utf8'));
      return files;
    },
    write(path, text) {
      mkdirSync(dirname(join(ws, path)), { recursive: true });
      writeFileSync(join(ws, path), text);
    },
    read: (path) => readFileSync(join(ws, path), 'utf8'),
    async close() {
      client.close();
      await sim.close();
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(ws, { recursive: true, force: true });
    },
  };
}
