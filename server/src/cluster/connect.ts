// Which cluster, with which certificate and token: the --host flag or .pvefw.json, the pinned
// fingerprint from .pvefw.json (`pvefw trust`), the token from the environment only.
import type { PveClient as Client } from './client';
import { checkToken, PveClient } from './client';
import { ClusterError } from './errors';
import { normaliseFingerprint, peerFingerprint } from './tls';
import { readConfig, writeConfig, type WorkspaceConfig } from './workspace';

export const TOKEN_VARIABLE = 'PVEFW_TOKEN';

/** `pve1`, `pve1:8006` or `https://pve1:8006/` → `https://pve1:8006`. */
export function normaliseHost(text: string): string {
  let trimmed = text.trim();
  while (trimmed.endsWith('/')) trimmed = trimmed.slice(0, -1);
  const withScheme = /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ClusterError('config', `'${text}' is not a host name, address or https URL`);
  }
  if (url.protocol !== 'https:')
    throw new ClusterError('config', `'${text}': only https is supported`);
  return `https://${url.hostname}:${url.port || '8006'}`;
}

export interface Target {
  readonly baseUrl: string;
  readonly fingerprint?: string;
  readonly config: WorkspaceConfig;
}

/** The cluster a command talks to: --host wins, else .pvefw.json's host. */
export function resolveTarget(root: string, hostFlag: string | undefined): Target {
  const config = readConfig(root);
  const host = hostFlag ?? config.host;
  if (!host)
    throw new ClusterError(
      'config',
      `no cluster given: pass --host URL or put "host" into .pvefw.json`,
    );
  const baseUrl = normaliseHost(host);
  // A pinned fingerprint belongs to the host it was taken from.
  const pinned =
    config.host && normaliseHost(config.host) === baseUrl ? config.fingerprint : undefined;
  return { baseUrl, config, ...(pinned ? { fingerprint: pinned } : {}) };
}

export function connect(target: Target, env: Readonly<Record<string, string | undefined>>): Client {
  const token = checkToken(env[TOKEN_VARIABLE], TOKEN_VARIABLE);
  return new PveClient({
    baseUrl: target.baseUrl,
    credentials: { kind: 'token', token },
    timeoutMs: (target.config.timeoutSeconds ?? 30) * 1000,
    ...(target.fingerprint ? { fingerprint: target.fingerprint } : {}),
  });
}

export interface TrustResult {
  readonly host: string;
  readonly fingerprint: string;
  readonly subject: string;
  readonly validTo: string;
  readonly previous?: string;
}

/** Reads the host's certificate and pins its fingerprint in .pvefw.json (trust on first use). */
export async function trustHost(
  root: string,
  host: string,
  expected?: string,
): Promise<TrustResult> {
  const baseUrl = normaliseHost(host);
  const url = new URL(baseUrl);
  const seen = await peerFingerprint({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port),
    timeoutMs: 15_000,
  }).catch((error: unknown) => {
    throw new ClusterError(
      'unreachable',
      `cannot read the certificate of ${url.host}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  if (expected !== undefined && normaliseFingerprint(expected) !== seen.fingerprint) {
    throw new ClusterError(
      'fingerprint-mismatch',
      `${url.host} presents ${seen.fingerprint}, not the expected ${normaliseFingerprint(expected)}; nothing was stored`,
    );
  }
  const config = readConfig(root);
  const previous =
    config.host && normaliseHost(config.host) === baseUrl ? config.fingerprint : undefined;
  writeConfig(root, { ...config, host: baseUrl, fingerprint: seen.fingerprint });
  return {
    host: baseUrl,
    ...seen,
    ...(previous && previous !== seen.fingerprint ? { previous } : {}),
  };
}
