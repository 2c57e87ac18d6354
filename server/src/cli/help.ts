import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const MAIN_HELP = `pvefw: checks Proxmox VE firewall files with Proxmox's own rules

Usage:
  pvefw check [--format text|json|sarif|gitlab] [--kind cluster|host|guest|vnet] [--cluster FILE]
              [--overlap-hints] [--backend iptables|nftables] PATH...
  pvefw simulate DIR --from ZONE|IP --to ZONE|IP [--proto P] [--dport N] [--sport N]
                 [--source IP] [--dest IP] [--topology FILE|default] [--backend iptables|nftables]
  pvefw test DIR... [--topology FILE|default] [--id NAME] [--backend iptables|nftables]
  pvefw explain [--dir DIR] [--node NODE] [--file FILE|-] [LOGLINE...]
  pvefw diff A B [--format text|json|markdown] [--path DIR]   (folders or git revisions)
  pvefw report [DIR] [--format text|markdown|html|json]       (what is exposed)
  pvefw trust|pull|plan|push|confirm ...   (a live cluster; see 'pvefw help pull')
  pvefw check --help   (also: simulate, test, explain, diff, report --help)
  pvefw --help
  pvefw --version

Exit codes: 0 no errors, 1 at least one error, 2 bad usage or unreadable input.
`;

export const CHECK_HELP = `Usage: pvefw check [options] PATH...

Checks each PATH: a .fw file, or a folder (every *.fw below it, recursively, skipping
node_modules and dot-folders). The kind comes from the name: cluster.fw, host.fw, <vmid>.fw,
sdn/firewall/<vnet>.fw. Host, guest and vnet files are checked against their cluster.fw: the
one in the same folder, else firewall/cluster.fw two levels up (the /etc/pve layout).
Each cluster is also compiled as pve-firewall would (per node, with topology.json beside
cluster.fw or at the layout's root when present) to find rules that can never match
(shadowed-rule, redundant-rule, disabled-rule, with a witness packet), rules Proxmox skips
when compiling (skipped-by-proxmox) and rules that lock you out (lockout-risk).

Options:
  --format F           text (default): one line per finding, path:line:column: severity code: message
                       json: one object {"files":[{"path","kind","diagnostics":[...]}]} on stdout
                       sarif: a SARIF 2.1.0 log (GitHub code scanning), with help, related
                       locations and quick fixes
                       gitlab: a GitLab Code Quality report (Code Climate JSON)
  --kind KIND          treat every PATH as this kind: cluster, host, guest or vnet
  --cluster FILE       check host, guest and vnet files against this cluster.fw
  --backend iptables|nftables
                       the firewall of nodes whose host.fw is not among the files (default
                       iptables); nodes on nftables also get proxmox-firewall's verdicts
                       (nftables-load-error, nftables-update-error, nftables-skips,
                       nftables-differs, nftables-ignores)
  --overlap-hints      also report rules that partly overlap an earlier rule with another
                       verdict (rule-overlap hints: correlation and generalization)
  -h, --help           show this help

Exit codes: 0 no errors, 1 at least one error, 2 bad usage or unreadable input.
`;

/** Set by scripts/bundle.mjs (esbuild `define`), so a lone copy of dist/cli.js knows it too. */
declare const __PVEFW_VERSION__: string | undefined;

/** The bundled version, else the one in the package.json above this module (out/… when compiled). */
export function packageVersion(): string {
  if (typeof __PVEFW_VERSION__ === 'string') return __PVEFW_VERSION__;
  let dir = __dirname;
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as {
          name?: unknown;
          version?: unknown;
        };
        if (pkg.name === 'pvefw' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // not ours or not JSON: keep looking upwards
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return 'unknown';
}
