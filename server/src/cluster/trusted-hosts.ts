// The hosts this user has agreed to send their API token to, each with the certificate
// fingerprint they pinned: kept in the user's own config (the CLI) or the editor's per-user
// storage, never in the workspace. A cloned repository's .pvefw.json may name a host and a
// fingerprint, but it cannot put either here (issue 15).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ClusterError } from './errors';
import { readRegular } from './safe-files';
import { normaliseFingerprint } from './tls';
import { mkdirSync, writeFileSync } from 'node:fs';

export interface TrustedHost {
  /** The pinned SHA-256 fingerprint; none means the system's certificate authorities decide. */
  readonly fingerprint?: string;
}

export interface TrustedHosts {
  /** The user's entry for `baseUrl` (`https://host:port`), or undefined when never trusted. */
  get(baseUrl: string): TrustedHost | undefined;
  set(baseUrl: string, host: TrustedHost): void | PromiseLike<void>;
}

/** Reads an untrusted record of trusted hosts: only well-formed entries count. */
export function trustedHostsFrom(value: unknown): Record<string, TrustedHost> {
  const out: Record<string, TrustedHost> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [baseUrl, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const fingerprint = (entry as { fingerprint?: unknown }).fingerprint;
    out[baseUrl] =
      typeof fingerprint === 'string' ? { fingerprint: normaliseFingerprint(fingerprint) } : {};
  }
  return out;
}

/** `$XDG_CONFIG_HOME/pvefw/trusted-hosts.json`, else `~/.config/pvefw/trusted-hosts.json`. */
export function userTrustFile(env: Readonly<Record<string, string | undefined>>): string {
  const config = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(config, 'pvefw', 'trusted-hosts.json');
}

/** The CLI's store: a JSON file in the user's config folder. */
export class FileTrustedHosts implements TrustedHosts {
  constructor(readonly path: string) {}

  private load(): Record<string, TrustedHost> {
    let text: string | undefined;
    try {
      // The user's own file: a link to it (a dotfile manager's) is followed.
      text = readRegular(this.path, { followLinks: true });
    } catch (error) {
      throw new ClusterError('config', `cannot read ${this.path}: ${(error as Error).message}`);
    }
    if (text === undefined) return {};
    try {
      return trustedHostsFrom(JSON.parse(text));
    } catch {
      throw new ClusterError('config', `${this.path} is not valid JSON`);
    }
  }

  get(baseUrl: string): TrustedHost | undefined {
    return this.load()[baseUrl];
  }

  set(baseUrl: string, host: TrustedHost): void {
    const all = { ...this.load(), [baseUrl]: host };
    mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(this.path, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  }
}
