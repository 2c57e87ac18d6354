// Which cluster, with which certificate and token: the --host flag or .pvefw.json; the pinned
// fingerprint and the consent to send the token there from the user's own trusted hosts
// (`pvefw trust`, the editor's confirmation), never from the workspace; the token from the
// environment only.
import type { PveClient as Client } from './client';
import {
  checkToken,
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_REPLY_BYTES,
  DEFAULT_TIMEOUT_MS,
  PveClient,
} from './client';
import { ClusterError } from './errors';
import { normaliseFingerprint, peerFingerprint } from './tls';
import type { TrustedHosts } from './trusted-hosts';
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
  /** The pin this user keeps for the host (never one from the workspace). */
  readonly fingerprint?: string;
  readonly config: WorkspaceConfig;
  /** Where the host came from: the user's command line, or the workspace's .pvefw.json. */
  readonly origin: 'user' | 'workspace';
  /** Whether this user trusts the host (pvefw trust, or the editor's confirmation). */
  readonly trusted: boolean;
}

/**
 * The cluster a command talks to: --host wins, else .pvefw.json's host. The certificate pin is
 * the user's own (`trusted`); .pvefw.json's fingerprint is only shown, never used to connect.
 */
export function resolveTarget(
  root: string,
  hostFlag: string | undefined,
  trusted: TrustedHosts,
): Target {
  const config = readConfig(root);
  const host = hostFlag ?? config.host;
  if (!host)
    throw new ClusterError(
      'config',
      `no cluster given: pass --host URL or put "host" into .pvefw.json`,
    );
  const baseUrl = normaliseHost(host);
  const entry = trusted.get(baseUrl);
  return {
    baseUrl,
    config,
    origin: hostFlag !== undefined ? 'user' : 'workspace',
    trusted: entry !== undefined,
    ...(entry?.fingerprint ? { fingerprint: entry.fingerprint } : {}),
  };
}

/** The refusal for a host only the workspace names: the token goes nowhere a repository says. */
export function untrustedHostError(target: Target): ClusterError {
  const name = new URL(target.baseUrl).host.replace(/:8006$/, '');
  return new ClusterError(
    'untrusted-host',
    `the cluster ${target.baseUrl} comes from .pvefw.json in this folder, and you have not trusted it: ` +
      `a repository must not choose where your API token goes. Check the address, compare the ` +
      `fingerprint that 'pvefw trust ${name}' shows with the Proxmox web interface, or pass --host.`,
  );
}

export function connect(target: Target, env: Readonly<Record<string, string | undefined>>): Client {
  if (target.origin === 'workspace' && !target.trusted) throw untrustedHostError(target);
  const token = checkToken(env[TOKEN_VARIABLE], TOKEN_VARIABLE);
  const { config } = target;
  return new PveClient({
    baseUrl: target.baseUrl,
    credentials: { kind: 'token', token },
    timeoutMs: (config.timeoutSeconds ?? DEFAULT_TIMEOUT_MS / 1000) * 1000,
    deadlineMs: (config.deadlineSeconds ?? DEFAULT_DEADLINE_MS / 1000) * 1000,
    maxReplyBytes: (config.maxReplyMegabytes ?? DEFAULT_MAX_REPLY_BYTES / MIB) * MIB,
    ...(target.fingerprint ? { fingerprint: target.fingerprint } : {}),
  });
}

const MIB = 1024 * 1024;

export interface TrustResult {
  readonly host: string;
  readonly fingerprint: string;
  readonly subject: string;
  readonly validTo: string;
  readonly previous?: string;
  /** Whether .pvefw.json recorded the same fingerprint (undefined: it recorded none). */
  readonly inWorkspace?: boolean;
}

/**
 * Reads the host's certificate and pins its fingerprint for this user (trust on first use), and
 * records host and fingerprint in .pvefw.json for whoever shares the folder (who must trust it
 * themselves all the same). `inWorkspace` says whether .pvefw.json already had that fingerprint.
 */
export async function trustHost(
  root: string,
  host: string,
  trusted: TrustedHosts,
  expected?: string,
  node?: string,
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
  const sameHost = config.host !== undefined && normaliseHost(config.host) === baseUrl;
  const recorded =
    sameHost && config.fingerprint ? normaliseFingerprint(config.fingerprint) : undefined;
  const previous = trusted.get(baseUrl)?.fingerprint;
  await trusted.set(baseUrl, { fingerprint: seen.fingerprint });
  // A node's own endpoint is recorded as such; the workspace's host stays what it was.
  writeConfig(
    root,
    node !== undefined
      ? { ...config, nodeHosts: { ...config.nodeHosts, [node]: baseUrl } }
      : { ...config, host: baseUrl, fingerprint: seen.fingerprint },
  );
  return {
    host: baseUrl,
    ...seen,
    ...(previous && previous !== seen.fingerprint ? { previous } : {}),
    ...(recorded !== undefined ? { inWorkspace: recorded === seen.fingerprint } : {}),
  };
}

/**
 * A client for a node's endpoint, only where the token may go: the host the user gave with
 * --host, or a host the user trusts (pinned); undefined elsewhere.
 */
export function endpointClient(
  target: Target,
  trusted: TrustedHosts,
  env: Readonly<Record<string, string | undefined>>,
): (url: string) => Client | undefined {
  return (url) => {
    const baseUrl = normaliseHost(url);
    const entry = trusted.get(baseUrl);
    const mine = baseUrl === target.baseUrl && target.origin === 'user';
    if (!entry && !mine) return undefined;
    const fingerprint = entry?.fingerprint ?? (mine ? target.fingerprint : undefined);
    return connect(
      {
        baseUrl,
        config: target.config,
        origin: 'user',
        trusted: true,
        ...(fingerprint ? { fingerprint } : {}),
      },
      env,
    );
  };
}
