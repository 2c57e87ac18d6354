// The simulator's HTTPS front: Proxmox's request handling order (auth, route, parameters,
// permissions, handler) and its response shapes: {"data": …} on success, 400 with "errors",
// 403/500 with "message", 501 for unknown paths, 401 with only a status line.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { Auth, checkAll, type Caller } from './auth';
import { ApiError, AuthError, paramError } from './errors';
import { Faults, type FaultKind, type RequestInfo } from './faults';
import { Paged } from './handlers/context';
import { INVENTORY_ROUTES } from './handlers/inventory';
import { findRoute } from './routes';
import type { SimStore } from './store';
import { ParamException, PerlDie } from './pve/perl';
import { validateParams, type ParamValue } from './validate';

export interface RequestRecord extends RequestInfo {
  readonly status: number;
  /** The node whose API endpoint took the call (simulators with one endpoint per node). */
  readonly endpoint?: string;
}

export interface SimServerOptions {
  readonly store: SimStore;
  readonly key: string;
  readonly cert: string;
  /** Delay of a 401 (Proxmox waits 3 s); tests shorten it. */
  readonly authFailureDelayMs: number;
}

function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) out[key] = value;
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** True once the client has gone (or the reply ended). */
function gone(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => res.once('close', resolve));
}

/** One byte of `{"data":[` and then blanks, every `intervalMs`, until the client goes. */
async function trickle(res: ServerResponse, intervalMs: number, maxBytes: number): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
  res.flushHeaders();
  const closed = gone(res);
  let open = true;
  void closed.then(() => (open = false));
  const text = '{"data":[';
  for (let sent = 0; open && sent < maxBytes; sent++) {
    res.write(text[sent] ?? ' ');
    await Promise.race([sleep(intervalMs), closed]);
  }
  res.destroy();
}

/** A body of `bytes` bytes, written as fast as the client reads it, until it is sent or the client goes. */
async function flood(res: ServerResponse, bytes: number, declareLength: boolean): Promise<void> {
  res.writeHead(200, {
    'Content-Type': 'application/json;charset=UTF-8',
    ...(declareLength ? { 'Content-Length': bytes } : {}),
  });
  const closed = gone(res);
  let open = true;
  void closed.then(() => (open = false));
  const chunk = Buffer.alloc(64 * 1024, ' ');
  const head = Buffer.from('{"data":"');
  res.write(head);
  let sent = head.length;
  while (open && sent < bytes - 2) {
    const piece = chunk.subarray(0, Math.min(chunk.length, bytes - 2 - sent));
    sent += piece.length;
    if (!res.write(piece)) await Promise.race([new Promise((r) => res.once('drain', r)), closed]);
  }
  if (open) res.end('"}');
}

export class SimServer {
  readonly faults = new Faults();
  readonly requests: RequestRecord[] = [];
  readonly server: Server;
  private readonly auth: Auth;

  constructor(private readonly options: SimServerOptions) {
    this.auth = new Auth(options.store.config.auth);
    this.server = this.createEndpoint(undefined);
  }

  /**
   * An HTTPS server answering for the same cluster: a node's own API endpoint. Proxmox's cluster
   * file system is shared, so every node's API reads and writes the same files.
   */
  createEndpoint(node: string | undefined): Server {
    return createServer({ key: this.options.key, cert: this.options.cert }, (req, res) => {
      this.handle(req, res, node).catch((error: unknown) => {
        if (!res.headersSent) this.send(res, 500, { data: null, message: `${String(error)}\n` });
      });
    });
  }

  /** Called after each handled request: the simulator's own reactions (a node going away). */
  afterHandled: (info: RequestInfo, faults: readonly FaultKind[]) => void = () => undefined;

  private send(
    res: ServerResponse,
    status: number,
    body: object | undefined,
    reason?: string,
  ): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    // A reply without a message of its own gets the standard one ("OK" for 200).
    res.writeHead(status, reason || STATUS_CODES[status] || '', {
      'Content-Type': 'application/json;charset=UTF-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: string | undefined,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://sim');
    const method = req.method ?? 'GET';
    const prefix = '/api2/json';
    const path = decodeURIComponent(
      url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname,
    );
    const body = await readBody(req);
    const params: Record<string, ParamValue> =
      method === 'POST' || method === 'PUT'
        ? /application\/json/.test(req.headers['content-type'] ?? '')
          ? (JSON.parse(body || '{}') as Record<string, ParamValue>)
          : parseForm(body)
        : {};
    Object.assign(params, parseForm(url.search.slice(1)));
    const info: RequestInfo = { method, path, params };
    const record = (status: number): void =>
      void this.requests.push({ ...info, status, ...(endpoint ? { endpoint } : {}) });

    const faults = this.faults.take(info);
    const hostile = await this.hostile(faults, info, res, record);
    if (hostile) return;
    if (!url.pathname.startsWith(`${prefix}/`)) {
      record(501);
      return this.send(res, 501, undefined, 'no such uri');
    }
    const delay = faults.reduce(
      (ms, f) => ms + (f.kind === 'delay' ? f.ms : 0),
      this.faults.latencyMs,
    );
    if (delay > 0) await sleep(delay);
    for (const fault of faults) if (fault.kind === 'hold') await fault.until;
    if (faults.some((f) => f.kind === 'drop-before')) {
      record(0);
      return void req.socket.destroy();
    }
    const error = faults.find((f) => f.kind === 'error');
    if (error?.kind === 'error') {
      record(error.status ?? 500);
      const message = error.message ?? 'simulated failure\n';
      return this.send(res, error.status ?? 500, { data: null, message }, message.split('\n')[0]);
    }
    for (const fault of faults)
      if (fault.kind === 'concurrent-write') fault.edit(this.options.store);

    const { status, payload, reason } = this.dispatch(method, path, params, req);
    if (status === 401) await sleep(this.options.authFailureDelayMs);
    record(status);
    // Once the answer is out (a node that stops taking connections still answers this call).
    res.once('close', () => this.afterHandled(info, faults));
    if (faults.some((f) => f.kind === 'drop-after')) return void req.socket.destroy();
    const rewrite = faults.find((f) => f.kind === 'rewrite');
    if (rewrite?.kind === 'rewrite' && status === 200 && payload && 'data' in payload)
      return this.send(res, status, { ...payload, data: rewrite.rewrite(payload.data) }, reason);
    this.send(res, status, payload, reason);
  }

  /** The hostile-server faults that replace the answer; true when one did. */
  private async hostile(
    faults: readonly FaultKind[],
    info: RequestInfo,
    res: ServerResponse,
    record: (status: number) => void,
  ): Promise<boolean> {
    for (const fault of faults) {
      switch (fault.kind) {
        case 'answer': {
          const body = typeof fault.body === 'string' ? fault.body : fault.body(info);
          record(fault.status ?? 200);
          res.writeHead(fault.status ?? 200, {
            'Content-Type': fault.contentType ?? 'application/json;charset=UTF-8',
            'Content-Length': Buffer.byteLength(body),
          });
          res.end(body);
          return true;
        }
        case 'trickle':
          record(200);
          await trickle(res, fault.intervalMs, fault.maxBytes);
          return true;
        case 'flood':
          record(200);
          await flood(res, fault.bytes, fault.declareLength);
          return true;
        default:
          break;
      }
    }
    return false;
  }

  private dispatch(
    method: string,
    path: string,
    params: Record<string, ParamValue>,
    req: IncomingMessage,
  ): { status: number; payload: object | undefined; reason?: string | undefined } {
    try {
      if (path.replace(/\/+$/, '') === '/access/ticket' && method === 'POST') {
        const data = this.auth.login(text(params['username']), text(params['password']));
        return { status: 200, payload: { data } };
      }
      const caller = this.auth.authenticate(
        method,
        req.headers as Record<string, string | undefined>,
      );
      const data = this.route(method, path, params, caller);
      if (data instanceof Paged)
        return { status: 200, payload: { data: data.data, total: data.total } };
      return { status: 200, payload: { data: data ?? null } };
    } catch (error) {
      if (error instanceof AuthError)
        return { status: 401, payload: undefined, reason: error.message };
      if (error instanceof ApiError) {
        const payload = {
          data: null,
          message: error.message,
          ...(error.errors ? { errors: error.errors } : {}),
        };
        return { status: error.status, payload, reason: firstLine(error.message) };
      }
      if (error instanceof ParamException) {
        const message = error.message;
        return {
          status: 400,
          payload: { data: null, message, errors: error.errors },
          reason: message.split('\n')[0],
        };
      }
      const message = error instanceof PerlDie ? error.message : `${String(error)}\n`;
      return { status: 500, payload: { data: null, message }, reason: message.split('\n')[0] };
    }
  }

  private route(
    method: string,
    path: string,
    params: Record<string, ParamValue>,
    caller: Caller,
  ): unknown {
    for (const route of INVENTORY_ROUTES) {
      const match = route.method === method ? route.pattern.exec(path.replace(/\/+$/, '')) : null;
      if (match)
        return route.handle(this.options.store, caller, match, params as Record<string, string>);
    }
    const found = findRoute(method, path);
    if (!found) throw new ApiError(501, `Method '${method} ${path}' not implemented`);
    for (const [key, value] of Object.entries(found.uriParams)) {
      if (params[key] !== undefined && text(params[key]) !== value)
        throw paramError({
          [key]: 'duplicate parameter (already defined in URI) with conflicting values!',
        });
      params[key] = value;
    }
    const { errors, values } = validateParams(found.method.properties, params);
    if (Object.keys(errors).length > 0) throw paramError(errors);
    const permissions = found.method.permissions;
    if (permissions && 'check' in permissions) {
      const [, template, privs] = permissions.check;
      const aclPath = template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
      checkAll(caller, aclPath, privs);
    }
    if (found.method.proxyto && !this.options.store.config.nodes[values['node'] ?? '']) {
      const node = values['node'];
      throw new ApiError(
        500,
        `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known\n`,
      );
    }
    return found.handler({
      store: this.options.store,
      params: values,
      caller,
      ref: found.ref,
      declared: Object.keys(found.method.properties),
      now: () => Math.floor(Date.now() / 1000),
    });
  }
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}
