// Does a node's API (pveproxy, tcp 8006) still answer? A TLS handshake with it, nothing sent:
// the check a commit-confirmed push makes from this machine after its calls, for every node.
import { isIP } from 'node:net';
import { connect } from 'node:tls';

export interface NodeEndpoint {
  readonly node: string;
  /** `https://host:port` */
  readonly url: string;
}

export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Connects to the endpoint and completes a TLS handshake, then hangs up. No certificate check
 * (nothing is sent, and each node has its own certificate): only whether it answers.
 */
export function probeEndpoint(endpoint: NodeEndpoint, timeoutMs: number): Promise<ProbeResult> {
  const url = new URL(endpoint.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port: Number(url.port || '8006'),
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const done = (result: ProbeResult): void => {
      socket.destroy();
      resolve(result);
    };
    socket.once('secureConnect', () => done({ ok: true }));
    socket.once('timeout', () => done({ ok: false, reason: `no answer within ${timeoutMs} ms` }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, reason: error.code ?? error.message }),
    );
  });
}

/** Probes every endpoint at once; the ones that do not answer, with why. */
export async function unreachableEndpoints(
  endpoints: readonly NodeEndpoint[],
  timeoutMs: number,
): Promise<{ endpoint: NodeEndpoint; reason: string }[]> {
  const results = await Promise.all(
    endpoints.map(async (endpoint) => ({
      endpoint,
      result: await probeEndpoint(endpoint, timeoutMs),
    })),
  );
  return results.flatMap(({ endpoint, result }) =>
    result.ok ? [] : [{ endpoint, reason: result.reason }],
  );
}
