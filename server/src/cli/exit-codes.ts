/** The process exit codes of `pvefw`, the contract scripts and CI rely on. */
export const ExitCode = {
  /** Every file was read and no finding has severity error. */
  Ok: 0,
  /** At least one finding has severity error. */
  Findings: 1,
  /** Bad usage, unreadable input, or an internal error. */
  Usage: 2,
  /** plan --detailed-exitcode: there are changes, and they can be pushed (Terraform's 2). */
  Changes: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
