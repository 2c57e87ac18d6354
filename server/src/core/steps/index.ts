/**
 * Long analyses are generators that pause after each unit of work, so one body serves both a
 * plain call (run to the end) and an editor that must stay responsive and drop stale work
 * (run in time slices, yielding to the caller's event loop, stopping when cancelled).
 */
export type Steps<T> = Generator<void, T, void>;

export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled');
    this.name = 'AnalysisCancelled';
  }
}

export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

export interface SliceOptions {
  /** Lets other work run (e.g. `() => new Promise((r) => setImmediate(r))`). */
  readonly yieldNow: () => Promise<void>;
  /** Checked at every pause; true stops the analysis with AnalysisCancelled. */
  readonly isCancelled?: () => boolean;
  /** How long to work before yielding; default 8 ms. */
  readonly sliceMs?: number;
}

export async function runSliced<T>(steps: Steps<T>, options: SliceOptions): Promise<T> {
  const slice = options.sliceMs ?? 8;
  // Start on a later turn: the caller (an editor answering a request) is never held up.
  await options.yieldNow();
  if (options.isCancelled?.()) throw new AnalysisCancelled();
  let started = Date.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (options.isCancelled?.()) throw new AnalysisCancelled();
    if (Date.now() - started >= slice) {
      await options.yieldNow();
      if (options.isCancelled?.()) throw new AnalysisCancelled();
      started = Date.now();
    }
  }
}
