// API tokens (`PVEAPIToken=USER@REALM!ID=SECRET`), tickets from POST /access/ticket with the
// CSRFPreventionToken header required on writes, and privileges checked per ACL path the way
// PVE::RPCEnvironment does (first missing privilege named in the 403).
import { randomBytes } from 'node:crypto';
import { AuthError, permError } from './errors';

/** Privileges on ACL paths; a path covers everything below it (propagation), `/` covers all. */
export type Privileges = Readonly<Record<string, readonly string[]>>;

export interface AuthConfig {
  readonly tokens?: Readonly<
    Record<string, { readonly secret: string; readonly privs: Privileges }>
  >;
  readonly users?: Readonly<
    Record<string, { readonly password: string; readonly privs: Privileges }>
  >;
}

export interface Caller {
  readonly id: string;
  readonly token: boolean;
  readonly privs: Privileges;
}

const TICKET_LIFETIME_MS = 2 * 60 * 60 * 1000;

function authValue(header: string | undefined, key: string): string | undefined {
  if (!header) return undefined;
  const match = new RegExp(`(?:^|\\s)${key}(?:=| )([^;]*)`).exec(header);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

export class Auth {
  private readonly tickets = new Map<string, { user: string; csrf: string; expires: number }>();

  constructor(private readonly config: AuthConfig) {}

  /** POST /access/ticket */
  login(
    username: string,
    password: string,
  ): { ticket: string; CSRFPreventionToken: string; username: string } {
    const user = this.config.users?.[username];
    if (!user || user.password !== password) throw new AuthError('authentication failure');
    const ticket = `PVE:${username}:${randomBytes(4).toString('hex').toUpperCase()}::${randomBytes(24).toString('base64')}`;
    const csrf = `${randomBytes(4).toString('hex').toUpperCase()}:${randomBytes(16).toString('base64')}`;
    this.tickets.set(ticket, { user: username, csrf, expires: Date.now() + TICKET_LIFETIME_MS });
    return { ticket, CSRFPreventionToken: csrf, username };
  }

  /** Who is calling; throws AuthError (401) like pve-manager's auth_handler. */
  authenticate(method: string, headers: Readonly<Record<string, string | undefined>>): Caller {
    const ticket =
      authValue(headers['cookie'], 'PVEAuthCookie') ??
      authValue(headers['authorization'], 'PVEAuthCookie');
    if (!ticket) {
      const token = authValue(headers['authorization'], 'PVEAPIToken');
      if (!token) throw new AuthError('No ticket');
      const split = token.lastIndexOf('=');
      const id = token.slice(0, split);
      const known = this.config.tokens?.[id];
      if (split < 0 || !known || known.secret !== token.slice(split + 1))
        throw new AuthError('Authentication failed!');
      return { id, token: true, privs: known.privs };
    }
    const session = this.tickets.get(ticket);
    if (!session || session.expires < Date.now()) throw new AuthError('Authentication failed!');
    if (method !== 'GET' && headers['csrfpreventiontoken'] !== session.csrf)
      throw new AuthError('Permission denied - invalid csrf token');
    return { id: session.user, token: false, privs: this.config.users![session.user]!.privs };
  }
}

function covers(aclPath: string, path: string): boolean {
  return aclPath === '/' || path === aclPath || path.startsWith(`${aclPath}/`);
}

export function hasPrivilege(caller: Caller, path: string, priv: string): boolean {
  return Object.entries(caller.privs).some(
    ([acl, privs]) => covers(acl, path) && privs.includes(priv),
  );
}

/** ['perm', path, [privs]]: every privilege is needed; the first missing one is named. */
export function checkAll(caller: Caller, path: string, privs: readonly string[]): void {
  for (const priv of privs)
    if (!hasPrivilege(caller, path, priv)) throw permError(`${path}, ${priv}`);
}

/** check_any: one of the privileges suffices. */
export function checkAny(caller: Caller, path: string, privs: readonly string[]): void {
  if (!privs.some((priv) => hasPrivilege(caller, path, priv)))
    throw permError(`${path}, ${privs.join('|')}`);
}
