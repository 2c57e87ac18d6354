/**
 * A failure the user can fix, reported as one line on stderr with exit code 2: `usage` for a bad
 * command line (the message then points at `--help`), `input` for files that cannot be read.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly kind: 'usage' | 'input',
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, 'usage');
}

export function inputError(message: string): CliError {
  return new CliError(message, 'input');
}

/** The short reason of a Node file-system error: `ENOENT`-style code plus the OS text. */
export function fsReason(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code?: unknown }).code;
    switch (code) {
      case 'ENOENT':
        return 'no such file or directory';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'EISDIR':
        return 'is a directory';
      case 'ENOTDIR':
        return 'not a directory';
      default:
        if (typeof code === 'string') return code;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
