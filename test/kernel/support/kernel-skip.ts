// Why a kernel test cannot run on this machine, said once for all of them: a test that needs a
// real kernel skips with this reason rather than failing where it cannot tell anything.
import { spawnSync } from 'node:child_process';

export interface KernelNeeds {
  /** What root is needed for, for the reason ("network namespaces, nft"). */
  readonly rootFor: string;
  readonly tools: readonly string[];
  /** The Debian packages that bring the tools (.ci/run installs them with test/kernel/setup.sh). */
  readonly packages: string;
  /** A command that fails where the kernel lacks what the test needs, even as root. */
  readonly probe: readonly string[];
  /** What a failing probe means, before its own message. */
  readonly probeFailure: string;
}

/** The reason to skip, or false when the kernel, the tools and root are all here. */
export function kernelSkipReason(needs: KernelNeeds): string | false {
  if (process.getuid?.() !== 0) return `needs root (${needs.rootFor})`;
  for (const tool of needs.tools) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (apt-get install ${needs.packages})`;
  }
  const [command, ...args] = needs.probe;
  if (command === undefined) return false;
  const probe = spawnSync(command, args, { encoding: 'utf8' });
  if (probe.status !== 0)
    return `${needs.probeFailure}: ${(probe.stderr || String(probe.error)).trim()}`;
  return false;
}
