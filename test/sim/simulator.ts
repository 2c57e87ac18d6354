// Starts the Proxmox API simulator in-process: HTTPS on 127.0.0.1 with a fresh self-signed
// certificate, the state in a folder laid out like /etc/pve (see docs in test/sim/README.md).
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from './cert';
import type { Faults } from './faults';
import { SimServer, type RequestRecord } from './server';
import { SimStore } from './store';

export interface SimulatorOptions {
  readonly stateDir: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Proxmox answers a failed login after 3 s; the default here is 3000 too. */
  readonly authFailureDelayMs?: number;
}

export interface Simulator {
  /** `https://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** SHA-256 fingerprint of the certificate, `AB:CD:…`. */
  readonly fingerprint: string;
  /** The certificate (PEM), for clients that trust it as a CA. */
  readonly cert: string;
  readonly store: SimStore;
  readonly faults: Faults;
  /** Every request handled so far, in order. */
  readonly requests: RequestRecord[];
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const store = new SimStore(options.stateDir);
  const { key, cert, fingerprint } = selfSignedCertificate();
  const sim = new SimServer({
    store,
    key,
    cert,
    authFailureDelayMs: options.authFailureDelayMs ?? 3000,
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    sim.server.once('error', reject);
    sim.server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (sim.server.address() as AddressInfo).port;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    fingerprint,
    cert,
    store,
    faults: sim.faults,
    requests: sim.requests,
    close: () =>
      new Promise<void>((resolve) => {
        sim.server.closeAllConnections();
        sim.server.close(() => resolve());
      }),
  };
}
