// Every way talking to a cluster can fail, each said in the user's terms with what to do next.
// Messages never contain the API token: requests are described by method and path only.
import { redact, redactTokenHeaders } from './redact';

export type ClusterErrorKind =
  | 'config'
  | 'unreachable'
  | 'timeout'
  | 'connection-lost'
  | 'tls-untrusted'
  | 'fingerprint-mismatch'
  | 'auth'
  | 'permission'
  | 'conflict'
  | 'invalid'
  | 'not-implemented'
  | 'server'
  | 'cancelled'
  /** The server answered something the call does not return (not JSON, wrong shape, too big). */
  | 'bad-reply'
  /** A request pvefw will not send (its path would be rewritten on the way). */
  | 'unsafe-request'
  /** A host only the workspace names, which this user has not trusted: no token goes there. */
  | 'untrusted-host';

export class ClusterError extends Error {
  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly details: {
      readonly status?: number;
      /** `PUT /cluster/firewall/rules/3`: which call failed. */
      readonly call?: string;
      readonly errors?: Readonly<Record<string, string>>;
      /** Only for fingerprint problems: what the server presented. */
      readonly fingerprint?: string;
    } = {},
  ) {
    // A server may echo the Authorization header back: no message ever carries it.
    super(redactTokenHeaders(message));
    this.name = 'ClusterError';
  }

  /** The same error with `secrets` taken out of its message and field errors. */
  redacted(secrets: readonly string[]): ClusterError {
    const errors = this.details.errors;
    return new ClusterError(this.kind, redact(this.message, secrets), {
      ...this.details,
      ...(errors
        ? {
            errors: Object.fromEntries(
              Object.entries(errors).map(([k, v]) => [k, redact(v, secrets)]),
            ),
          }
        : {}),
    });
  }

  /** Whether the call may have taken effect on the cluster although it failed. */
  get outcomeUnknown(): boolean {
    return this.kind === 'connection-lost' || this.kind === 'timeout';
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  EHOSTUNREACH: 'there is no route to the host',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was reset',
};

const TLS_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'it is signed by a self-signed authority (the cluster CA?)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is unknown',
  CERT_HAS_EXPIRED: 'it has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it is not made out for this host name',
};

/** A Node socket error turned into a ClusterError for `host`. */
export function networkError(
  error: unknown,
  host: string,
  call: string,
  requestSent: boolean,
): ClusterError {
  if (error instanceof ClusterError) return error;
  const code = (error as { code?: string }).code ?? '';
  const tls = TLS_REASONS[code];
  if (tls) {
    const name = host.replace(/:8006$/, '');
    return new ClusterError(
      'tls-untrusted',
      `the certificate of ${host} is not trusted: ${tls}. Compare its fingerprint with the one the Proxmox ` +
        `web interface shows (node > System > Certificates) and run 'pvefw trust ${name}' to trust it.`,
      { call },
    );
  }
  if (code === 'ETIMEDOUT') {
    return new ClusterError(
      'timeout',
      `${host} did not answer in time (${call}); check the address and any firewall on the way`,
      { call },
    );
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || (requestSent && code === '')) {
    return new ClusterError(
      'connection-lost',
      `the connection to ${host} dropped during ${call}; it is unknown whether the call took effect. ` +
        `Run 'pvefw plan' to see where the cluster stands.`,
      { call },
    );
  }
  const reason = NETWORK_REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  return new ClusterError(
    'unreachable',
    `cannot reach ${host}: ${reason}. Check the address and port (usually 8006) and that the node is up.`,
    { call },
  );
}
