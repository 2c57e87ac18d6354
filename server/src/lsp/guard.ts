// Every handler is wrapped here: an exception (or a rejected promise) is logged and turned into
// the handler's empty result, so no input can take the server down.

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger over `connection.console` that itself never throws (e.g. after the stream closed). */
export function consoleLogger(console: {
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
}): Logger {
  const safe =
    (write: (m: string) => void) =>
    (message: string): void => {
      try {
        write(message);
      } catch {
        // The connection is gone; there is nobody left to tell.
      }
    };
  return {
    info: safe((m) => console.info(m)),
    warn: safe((m) => console.warn(m)),
    error: safe((m) => console.error(m)),
  };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'unprintable error';
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Wraps `handler` so that a throw (or, for a promise, a rejection) is logged as
 * `pvefw: <name> failed` and answered with `fallback()`.
 */
export function guarded<A extends unknown[], R>(
  log: Logger,
  name: string,
  fallback: () => R,
  handler: (...args: A) => R,
): (...args: A) => R {
  const fail = (error: unknown): R => {
    log.error(`pvefw: ${name} failed: ${describeError(error)}`);
    return fallback();
  };
  return (...args: A): R => {
    try {
      const result = handler(...args);
      if (isThenable(result)) return Promise.resolve(result).catch(fail) as R;
      return result;
    } catch (error) {
      return fail(error);
    }
  };
}

/** Runs a fire-and-forget promise, logging a rejection instead of leaving it unhandled. */
export function background(log: Logger, name: string, work: Promise<unknown>): void {
  work.catch((error: unknown) => log.error(`pvefw: ${name} failed: ${describeError(error)}`));
}
