// Fault injection for tests: slow answers, answers held until the test releases them, HTTP 500s, connections dropped mid-request (before or
// after the change is made), and a concurrent writer that edits the cluster between our read
// and our write (it runs just before a matching write is handled).
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
  | { readonly kind: 'concurrent-write'; readonly edit: (store: SimStore) => void };

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
