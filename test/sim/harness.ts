// A simulator per test file: state from a fixture, an authenticated raw caller, cleanup.
import { rmSync } from 'node:fs';
import { TOKEN, writeSimState, type Fixture } from '../support/sim-fixture';
import { raw, type RawOptions, type RawReply } from './raw-client';
import { startSimulator, type Simulator } from './simulator';

export interface SimHarness {
  readonly sim: Simulator;
  readonly dir: string;
  /** A call with the full-privilege API token. */
  call(
    method: string,
    path: string,
    params?: Record<string, string | number>,
    options?: RawOptions,
  ): Promise<RawReply>;
  /** The `data` of a successful call; throws with the reply otherwise. */
  data<T = unknown>(
    method: string,
    path: string,
    params?: Record<string, string | number>,
  ): Promise<T>;
  close(): Promise<void>;
}

export async function simHarness(fixture: Fixture): Promise<SimHarness> {
  const dir = writeSimState(fixture);
  const sim = await startSimulator({ stateDir: dir, authFailureDelayMs: 0 });
  const call: SimHarness['call'] = (method, path, params = {}, options = {}) =>
    raw(sim, method, path, {
      ...options,
      params,
      headers: { Authorization: `PVEAPIToken=${TOKEN}`, ...options.headers },
    });
  return {
    sim,
    dir,
    call,
    async data<T>(
      method: string,
      path: string,
      params: Record<string, string | number> = {},
    ): Promise<T> {
      const reply = await call(method, path, params);
      if (reply.status !== 200) throw new Error(`${method} ${path}: ${reply.status} ${reply.text}`);
      return reply.json!.data as T;
    },
    async close() {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
