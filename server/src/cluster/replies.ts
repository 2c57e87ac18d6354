// What an API answer means: the `data` of a 200, or a ClusterError that says, in the user's
// terms, what went wrong and what to do (envelope and statuses: spec 14.3, 14.4).
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

export function interpretReply(reply: Reply, call: string, host: string): unknown {
  let payload: { data?: unknown; message?: string; errors?: Record<string, string> } = {};
  try {
    payload = reply.body ? (JSON.parse(reply.body) as typeof payload) : {};
  } catch {
    // Not JSON (a proxy's HTML error page, say): the status line says what there is to say.
  }
  if (reply.status === 200) return payload.data ?? null;
  const message = (payload.message ?? reply.reason).trim();
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
      const errors = payload.errors ?? {};
      const list = Object.entries(errors)
        .map(([k, v]) => `${k}: ${v.trim()}`)
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
