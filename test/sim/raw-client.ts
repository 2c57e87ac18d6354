// Raw HTTPS calls to the simulator for protocol-level assertions (status line, body, headers),
// trusting exactly the simulator's certificate.
import { request } from 'node:https';
import type { Simulator } from './simulator';

export interface RawReply {
  readonly status: number;
  readonly reason: string;
  readonly text: string;
  readonly json:
    | { data?: unknown; message?: string; errors?: Record<string, string>; total?: number }
    | undefined;
}

export interface RawOptions {
  readonly params?: Readonly<Record<string, string | number>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send the parameters as a JSON body instead of form-encoded. */
  readonly asJson?: boolean;
  /** Path exactly as sent (no encoding), below /api2/json. */
}

export function raw(
  sim: Simulator,
  method: string,
  path: string,
  options: RawOptions = {},
): Promise<RawReply> {
  const params = Object.entries(options.params ?? {}).map(([k, v]): [string, string] => [
    k,
    String(v),
  ]);
  const form = new URLSearchParams(params).toString();
  const body =
    method === 'POST' || method === 'PUT'
      ? options.asJson
        ? JSON.stringify(Object.fromEntries(params))
        : form
      : undefined;
  const url = `${sim.url}/api2/json${path}${body === undefined && form ? `?${form}` : ''}`;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      // A connection of its own per call: what an endpoint does to its connections shows.
      agent: false,
      ca: sim.cert,
      headers: {
        ...(body !== undefined
          ? {
              'Content-Type': options.asJson
                ? 'application/json'
                : 'application/x-www-form-urlencoded',
            }
          : {}),
        ...options.headers,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: RawReply['json'];
        try {
          json = text ? (JSON.parse(text) as RawReply['json']) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', text, json });
      });
    });
    req.end(body);
  });
}
