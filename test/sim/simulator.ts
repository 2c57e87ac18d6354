// Starts the Proxmox API simulator in-process: HTTPS on 127.0.0.1 with a fresh self-signed
// certificate, the state in a folder laid out like /etc/pve (see docs in test/sim/README.md).
import type { Server } from 'node:https';
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
  /**
   * One API endpoint per node of sim.json (each on its own port of 127.0.0.1, all over the one
   * shared store); `url` is then the first node's.
   */
  readonly nodeEndpoints?: boolean;
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
  /** With nodeEndpoints: each node's endpoint URL. */
  readonly nodeUrls: Readonly<Record<string, string>>;
  /** Stops a node's endpoint taking connections (they are refused from then on). */
  refuseConnections(node: string): Promise<void>;
  /** Settles once the node's endpoint refuses connections (refuseConnections or the fault). */
  refusing(node: string): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function stop(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
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
  const urlOf = (port: number): string =>
    `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const endpoints = new Map<string, Server>();
  const nodeUrls: Record<string, string> = {};
  if (options.nodeEndpoints) {
    for (const node of Object.keys(store.config.nodes)) {
      const server = sim.createEndpoint(node);
      endpoints.set(node, server);
      nodeUrls[node] = urlOf(await listen(server, host, 0));
    }
  }
  const first = [...endpoints.values()][0];
  const main = first ?? sim.server;
  const port = first
    ? Number(new URL(Object.values(nodeUrls)[0]!).port)
    : await listen(sim.server, host, options.port ?? 0);
  const refused = new Map<string, Promise<void>>();
  const refuseConnections = (node: string): Promise<void> => {
    const server = endpoints.get(node);
    if (!server) return Promise.resolve();
    if (!refused.has(node)) refused.set(node, stop(server));
    return refused.get(node)!;
  };
  const waiting = new Map<string, () => void>();
  const refusing = (node: string): Promise<void> =>
    refused.get(node) ??
    new Promise<void>((resolve) => waiting.set(node, resolve)).then(() => refused.get(node));
  sim.afterHandled = (_info, faults) => {
    for (const fault of faults)
      if (fault.kind === 'refuse-node') void refuseConnections(fault.node);
  };
  return {
    url: urlOf(port),
    port,
    fingerprint,
    cert,
    store,
    faults: sim.faults,
    requests: sim.requests,
    nodeUrls,
    refuseConnections,
    refusing,
    close: async () => {
      await Promise.all([main, ...endpoints.values()].filter((s) => s.listening).map(stop));
    },
  };
}
