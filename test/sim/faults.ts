// Fault injection for tests: slow answers, answers held until the test releases them, HTTP 500s, connections dropped mid-request (before or
// after the change is made), and a concurrent writer that edits the cluster between our read
// and our write (it runs just before a matching write is handled). The hostile-server faults
// lie and hurt instead: any answer to any path, the real answer with its data rewritten, a reply
// that trickles a byte at a time, and a reply larger than any client should read.
import type { SimStore } from './store';

export interface RequestInfo {
  readonly method: string;
  /** Below /api2/json, as sent (percent-decoded). */
  readonly path: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export type FaultKind =
  | { readonly kind: 'error'; readonly status?: number; readonly message?: string }
  | { readonly kind: 'drop-before' }
  | { readonly kind: 'drop-after' }
  | { readonly kind: 'delay'; readonly ms: number }
  /** Holds the request, unanswered, until `until` settles; then it is handled as usual. */
  | { readonly kind: 'hold'; readonly until: Promise<void> }
  | { readonly kind: 'concurrent-write'; readonly edit: (store: SimStore) => void }
  /**
   * The request is handled as usual; then the node's API endpoint stops taking connections (a
   * lock-out the pushed rules cause, say): connections to it are refused from then on.
   */
  | { readonly kind: 'refuse-node'; readonly node: string }
  /** Answers with exactly this status and body (any path, even outside /api2/json). */
  | {
      readonly kind: 'answer';
      readonly status?: number;
      readonly body: string | ((request: RequestInfo) => string);
      readonly contentType?: string;
    }
  /** Handles the request, then sends `rewrite(data)` as the reply's data instead. */
  | { readonly kind: 'rewrite'; readonly rewrite: (data: unknown) => unknown }
  /**
   * Sends a 200 with headers, then `{"data":` one byte every `intervalMs`, never ending: until
   * the client hangs up or `maxBytes` have gone (then the connection is closed).
   */
  | { readonly kind: 'trickle'; readonly intervalMs: number; readonly maxBytes: number }
  /** A 200 whose body is `bytes` long (a JSON string of blanks), with or without its length. */
  | { readonly kind: 'flood'; readonly bytes: number; readonly declareLength: boolean };

export interface Fault {
  readonly when: (request: RequestInfo) => boolean;
  readonly fault: FaultKind;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export class Faults {
  /** Added to every request before it is handled. */
  latencyMs = 0;
  private readonly pending: Fault[] = [];

  add(fault: Fault): void {
    this.pending.push({ ...fault, times: fault.times ?? 1 });
  }

  clear(): void {
    this.pending.length = 0;
    this.latencyMs = 0;
  }

  /** The faults that hit this request (each used up once). */
  take(request: RequestInfo): FaultKind[] {
    const hits: FaultKind[] = [];
    for (const fault of this.pending) {
      if ((fault.times ?? 0) <= 0 || !fault.when(request)) continue;
      fault.times = (fault.times ?? 1) - 1;
      hits.push(fault.fault);
    }
    return hits;
  }
}

/** Matches the n-th request (1-based) that passes `filter`, counting from when it is created. */
export function nth(
  n: number,
  filter: (request: RequestInfo) => boolean,
): (request: RequestInfo) => boolean {
  let seen = 0;
  return (request) => filter(request) && ++seen === n;
}

export const isWrite = (request: RequestInfo): boolean => request.method !== 'GET';
