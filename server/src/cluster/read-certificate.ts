// The certificate a cluster presents, read before anyone trusts it: the editor shows it and asks
// before `trustHost` pins it. Nothing is sent on the connection, so no token can leak.
import { normaliseHost } from './connect';
import { ClusterError } from './errors';
import { peerFingerprint } from './tls';

export interface PresentedCertificate {
  readonly fingerprint: string;
  readonly subject: string;
  readonly validTo: string;
}

export async function readCertificate(
  host: string,
  timeoutMs = 15_000,
): Promise<PresentedCertificate> {
  const url = new URL(normaliseHost(host));
  try {
    return await peerFingerprint({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port),
      timeoutMs,
    });
  } catch (error) {
    throw new ClusterError(
      'unreachable',
      `cannot read the certificate of ${url.host}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
