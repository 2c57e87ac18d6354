// The Proxmox VE API over HTTPS: form-encoded parameters, the {"data": …} envelope, and every
// failure mapped to a ClusterError. Credentials live only in the Authorization (or cookie)
// header built per request; nothing that describes a request or an error contains them.
import { request } from 'node:https';
import { ClusterError, networkError } from './errors';
import { redact, tokenSecrets } from './redact';
import { interpretReply, type Reply } from './replies';
import { TrustingAgent } from './tls';

/** Defaults: an idle timeout, a deadline for a whole request, a largest reply. */
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_DEADLINE_MS = 120_000;
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024 * 1024;

function sizeText(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}

export type Credentials =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'ticket'; readonly ticket: string; readonly csrf: string };

export interface ClientOptions {
  /** `https://host:8006` */
  readonly baseUrl: string;
  readonly fingerprint?: string;
  readonly credentials?: Credentials;
  /** How long a request may wait for the next bytes (idle). */
  readonly timeoutMs?: number;
  /** How long one request may take in all, however steadily the bytes come. */
  readonly deadlineMs?: number;
  /** The largest reply body read; a larger reply is an error. */
  readonly maxReplyBytes?: number;
  /** Extra attempts for reads after a network error or a 5xx (writes are never retried). */
  readonly readRetries?: number;
}

export type Params = Readonly<Record<string, string | number>>;

const TOKEN_FORM = /^[^\s@!]+@[^\s@!]+![A-Za-z][A-Za-z0-9._-]*=\S+$/;

/** Checks the form of an API token without ever echoing it. */
export function checkToken(token: string | undefined, source: string): string {
  if (!token)
    throw new ClusterError('config', `no API token: set ${source} to USER@REALM!TOKENID=SECRET`);
  if (!TOKEN_FORM.test(token.trim()))
    throw new ClusterError(
      'config',
      `${source} is not an API token of the form USER@REALM!TOKENID=SECRET`,
    );
  return token.trim();
}

export class PveClient {
  readonly stats = { reads: 0, writes: 0 };
  /** Reads reuse connections; each write gets a fresh one, so that a pooled connection the
   *  server has just closed can never make a write look lost when it was never sent. */
  private readonly agent: TrustingAgent;
  private readonly writeAgent: TrustingAgent;
  private readonly url: URL;
  private credentials: Credentials | undefined;

  constructor(private readonly options: ClientOptions) {
    this.url = new URL(options.baseUrl);
    this.credentials = options.credentials;
    const target = {
      host: this.url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(this.url.port || 8006),
      ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    };
    this.agent = new TrustingAgent(target);
    this.writeAgent = new TrustingAgent(target, { keepAlive: false });
  }

  get host(): string {
    return this.url.host;
  }

  /** `https://host:port`: where the client talks to. */
  get baseUrl(): string {
    return this.url.origin;
  }

  /** The address the cluster sees this machine as (known after the first call). */
  get localAddress(): string | undefined {
    return this.agent.localAddress ?? this.writeAgent.localAddress;
  }

  /** Ticket login (POST /access/ticket); later writes send the CSRF token. */
  async login(username: string, password: string): Promise<void> {
    const data = (await this.call('POST', '/access/ticket', { username, password })) as {
      ticket: string;
      CSRFPreventionToken: string;
    };
    this.credentials = { kind: 'ticket', ticket: data.ticket, csrf: data.CSRFPreventionToken };
  }

  get<T = unknown>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
    return this.call('GET', path, params, signal) as Promise<T>;
  }

  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    params: Params = {},
    signal?: AbortSignal,
  ): Promise<unknown> {
    const attempts = method === 'GET' ? 1 + (this.options.readRetries ?? 2) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, path, params, signal);
      } catch (caught) {
        const error = caught instanceof ClusterError ? caught.redacted(this.secrets()) : caught;
        const retry =
          error instanceof ClusterError &&
          attempt < attempts &&
          (error.kind === 'connection-lost' ||
            error.kind === 'unreachable' ||
            error.kind === 'timeout' ||
            (error.kind === 'server' && (error.details.status ?? 0) >= 500));
        if (!retry) throw error;
      }
    }
  }

  close(): void {
    this.agent.destroy();
    this.writeAgent.destroy();
  }

  /** What no message may show: the token (and its secret), or the ticket and CSRF token. */
  secrets(): string[] {
    const credentials = this.credentials;
    if (credentials?.kind === 'token') return tokenSecrets(credentials.token);
    if (credentials?.kind === 'ticket') return [credentials.ticket, credentials.csrf];
    return [];
  }

  /** Takes the client's secrets out of `text` (for messages built from what a server said). */
  redact(text: string): string {
    return redact(text, this.secrets());
  }

  private headers(method: string, body: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const credentials = this.credentials;
    if (credentials?.kind === 'token')
      headers['Authorization'] = `PVEAPIToken=${credentials.token}`;
    if (credentials?.kind === 'ticket') {
      headers['Cookie'] = `PVEAuthCookie=${encodeURIComponent(credentials.ticket)}`;
      if (method !== 'GET') headers['CSRFPreventionToken'] = credentials.csrf;
    }
    return headers;
  }

  private async once(
    method: string,
    path: string,
    params: Params,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const call = `${method} ${path}`;
    const form = new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    const withBody = method === 'POST' || method === 'PUT';
    const target = new URL(`/api2/json${path}${!withBody && form ? `?${form}` : ''}`, this.url);
    // A name from a server ("..", "%2e%2e") must not move the call elsewhere in the API.
    if (target.pathname !== `/api2/json${path}`)
      throw new ClusterError(
        'unsafe-request',
        `refusing to send ${call}: its path would be rewritten to ${target.pathname}`,
        { call },
      );
    if (method === 'GET') this.stats.reads++;
    else this.stats.writes++;
    const idleMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadlineMs = this.options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const maxBytes = this.options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    const effect = method === 'GET' ? '' : '; it is unknown whether the call took effect';
    const reply = await new Promise<Reply>((resolve, reject) => {
      let sent = false;
      // Why the request was destroyed, when this side destroyed it.
      let stopped: ClusterError | undefined;
      const stop = (error: ClusterError): void => {
        stopped ??= error;
        req.destroy();
      };
      const agent = method === 'GET' ? this.agent : this.writeAgent;
      const req = request(target, {
        method,
        agent,
        headers: this.headers(method, withBody ? form : undefined),
        signal,
      });
      req.setTimeout(idleMs, () =>
        stop(
          new ClusterError('timeout', `${this.host} did not answer ${call} in time${effect}`, {
            call,
          }),
        ),
      );
      // However steadily the bytes come, one request ends by its deadline.
      const deadline = setTimeout(
        () =>
          stop(
            new ClusterError(
              'timeout',
              `${this.host} did not answer ${call} within ${deadlineMs / 1000} s${effect}`,
              { call },
            ),
          ),
        deadlineMs,
      );
      const tooLarge = (): ClusterError =>
        new ClusterError(
          'bad-reply',
          `${call}: the reply is larger than ${sizeText(maxBytes)}, the limit for one reply (maxReplyMegabytes in .pvefw.json)${effect}`,
          { call },
        );
      const settle =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          clearTimeout(deadline);
          fn(value);
        };
      const done = settle(resolve);
      const failed = settle(reject);
      req.on('finish', () => (sent = true));
      req.on('close', () => stopped && failed(stopped));
      req.on('error', (error) => {
        if (stopped) failed(stopped);
        else if (error instanceof ClusterError) failed(error);
        else if (error.name === 'AbortError')
          failed(new ClusterError('cancelled', `cancelled during ${call}`, { call }));
        else failed(networkError(error, this.host, call, sent));
      });
      req.on('response', (res) => {
        if (Number(res.headers['content-length'] ?? 0) > maxBytes) return stop(tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return stop(tooLarge());
          chunks.push(chunk);
        });
        res.on('error', (error) => failed(stopped ?? networkError(error, this.host, call, true)));
        res.on('close', () => stopped && failed(stopped));
        res.on('end', () => {
          if (stopped) return failed(stopped);
          done({
            status: res.statusCode ?? 0,
            reason: res.statusMessage ?? '',
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.end(withBody ? form : undefined);
    });
    return interpretReply(reply, call, this.host);
  }
}
