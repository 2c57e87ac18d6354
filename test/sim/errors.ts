// How the API reports failures (pve-common Exception.pm, pve-manager HTTPServer.pm): parameter
// errors are HTTP 400 with an `errors` map, permission failures 403, any other die 500.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

/** raise_param_exc */
export function paramError(errors: Record<string, string>): ApiError {
  return new ApiError(400, 'Parameter verification failed.\n', errors);
}

/** raise_perm_exc */
export function permError(what: string): ApiError {
  return new ApiError(403, `Permission check failed (${what})\n`);
}

/** A plain `die "...\n"` in a handler. */
export function dieError(message: string): ApiError {
  return new ApiError(500, message.endsWith('\n') ? message : `${message}\n`);
}

/** An authentication failure: 401 with the reason as status text and no body. */
export class AuthError extends Error {}
