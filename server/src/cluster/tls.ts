// TLS with trust on first use. Without a pinned fingerprint the certificate must be valid for
// the host (the system's CAs); with one, the server must present exactly that certificate, and
// the check happens before a single byte of the request (and so of the token) is sent.
import type { RequestOptions } from 'node:http';
import { Agent, type AgentOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { ClusterError } from './errors';

/** `AB:CD:…`, upper case: the form Proxmox's web interface shows. */
export function normaliseFingerprint(text: string): string {
  const hex = text.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? '';
}

/**
 * `host:port` as `pvefw trust` takes it back: the port is left out only when it is Proxmox's
 * 8006, so the hint never sends the user to another service of the same host.
 */
export function trustName(target: { readonly host: string; readonly port: number }): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return target.port === 8006 ? host : `${host}:${target.port}`;
}

export interface TlsTarget {
  readonly host: string;
  readonly port: number;
  /** The pinned SHA-256 fingerprint; undefined means "verify against the system CAs". */
  readonly fingerprint?: string;
  readonly timeoutMs: number;
}

function socketOptions(target: TlsTarget, verify: boolean) {
  return {
    host: target.host,
    port: target.port,
    ...(isIP(target.host) ? {} : { servername: target.host }),
    rejectUnauthorized: verify,
    timeout: target.timeoutMs,
  };
}

/** Connects and checks the peer; resolves with a socket nothing has been written to yet. */
export function connectTrusted(target: TlsTarget): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const pinned = target.fingerprint ? normaliseFingerprint(target.fingerprint) : undefined;
    const socket = connect(socketOptions(target, pinned === undefined));
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('timeout', () =>
      fail(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
    );
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.setTimeout(0);
      socket.removeListener('error', fail);
      if (pinned !== undefined) {
        const seen = normaliseFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
        if (seen !== pinned) {
          fail(
            new ClusterError(
              'fingerprint-mismatch',
              `the certificate of ${trustName(target)} is not the trusted one (expected ${pinned}, got ${seen}). ` +
                `If it was renewed on purpose, check the new fingerprint in the Proxmox web interface ` +
                `and run 'pvefw trust ${trustName(target)}' again; otherwise someone may be intercepting the connection.`,
              { fingerprint: seen },
            ),
          );
          return;
        }
      }
      resolve(socket);
    });
  });
}

/** The certificate a host presents, read without trusting it and without sending anything. */
export function peerFingerprint(
  target: TlsTarget,
): Promise<{ fingerprint: string; subject: string; validTo: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketOptions(target, false));
    socket.once('timeout', () => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      resolve({
        fingerprint: normaliseFingerprint(cert.fingerprint256 ?? ''),
        subject: String(cert.subject?.CN ?? ''),
        validTo: cert.valid_to ?? '',
      });
    });
  });
}

/** An https.Agent whose every new connection goes through connectTrusted (kept alive). */
export class TrustingAgent extends Agent {
  /** This machine's address on the latest connection: what the cluster sees as our source. */
  localAddress: string | undefined;

  constructor(
    private readonly target: TlsTarget,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, maxSockets: 8, ...options });
  }

  // Node's Agent accepts a socket handed over later through the callback (createSocket's
  // oncreate), which is what lets the pin be checked before the request is written.
  override createConnection(
    _options: RequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    connectTrusted(this.target).then(
      (socket) => {
        this.localAddress = socket.localAddress;
        callback?.(null, socket);
      },
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
