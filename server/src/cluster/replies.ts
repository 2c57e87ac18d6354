// What an API answer means: the `data` of a 200, or a ClusterError that says, in the user's
// terms, what went wrong and what to do (the envelope and statuses of pve-http-server's
// PVE::APIServer::AnyEvent and its formatters).
import { ClusterError } from './errors';

export interface Reply {
  readonly status: number;
  readonly reason: string;
  readonly body: string;
}

function fail(
  kind: ClusterError['kind'],
  message: string,
  details: ClusterError['details'],
): never {
  throw new ClusterError(kind, message, details);
}

type Payload = { data?: unknown; message?: unknown; errors?: unknown };

/** The body as the API's JSON envelope; undefined when it is not JSON or not an object. */
function envelope(body: string): Payload | undefined {
  try {
    const parsed: unknown = body ? JSON.parse(body) : {};
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

export function interpretReply(reply: Reply, call: string, host: string): unknown {
  const parsed = envelope(reply.body);
  if (reply.status === 200) {
    if (!parsed)
      fail('bad-reply', `${call}: the reply is not JSON in the API's {"data": …} form`, { call });
    return parsed.data ?? null;
  }
  // An error page that is not JSON (a proxy's HTML page, say): the status line says it all.
  const payload = parsed ?? {};
  const message = (typeof payload.message === 'string' ? payload.message : reply.reason).trim();
  const details = { status: reply.status, call };
  switch (reply.status) {
    case 401:
      return fail(
        'auth',
        `${host} refused the credentials (${message || 'authentication failed'}). ` +
          'Check the API token (USER@REALM!TOKENID=SECRET) and that it is not expired.',
        details,
      );
    case 403:
      return fail(
        'permission',
        `the API token may not do ${call}: ${message}. Grant that privilege to the token ` +
          '(and to its user when the token has privilege separation).',
        details,
      );
    case 400: {
      const errors: Record<string, string> = {};
      if (typeof payload.errors === 'object' && payload.errors !== null)
        for (const [k, v] of Object.entries(payload.errors)) errors[k] = String(v).trim();
      const list = Object.entries(errors)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ');
      return fail('invalid', `Proxmox refused ${call}: ${list || message}`, { ...details, errors });
    }
    case 501:
      return fail(
        'not-implemented',
        `${host} does not offer ${call} (${message}); is it Proxmox VE 8 or later?`,
        details,
      );
    default:
      if (/detected modified configuration/.test(message)) {
        const text = `someone else changed this list on the cluster (${call} was refused: ${message})`;
        return fail('conflict', text, details);
      }
      return fail(
        'server',
        `${call} failed on ${host}: ${message || `HTTP ${reply.status}`}`,
        details,
      );
  }
}
