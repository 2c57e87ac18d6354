// Help texts of the cluster commands.

const TOKEN = `The API token is read from the environment variable PVEFW_TOKEN only
(USER@REALM!TOKENID=SECRET); it is never printed. It is sent to a host that only .pvefw.json
names once you have trusted that host yourself ('pvefw trust HOST'); a --host you give is
yours to choose. The cluster's certificate must be valid for the host, or pinned with
'pvefw trust HOST'. .pvefw.json may set timeoutSeconds (idle, default 30), deadlineSeconds
(one whole request, default 120) and maxReplyMegabytes (default 64).`;

export const TRUST_HELP = `Usage: pvefw trust HOST [--fingerprint FP] [--dir DIR]

Reads the TLS certificate HOST presents (https, port 8006 unless given), prints its SHA-256
fingerprint and trusts HOST for you: host and fingerprint are kept in your own config
($XDG_CONFIG_HOME/pvefw/trusted-hosts.json, else ~/.config/pvefw/trusted-hosts.json), and
recorded in DIR/.pvefw.json for others who share the folder (each of them must trust the host
too: a repository cannot). From then on pvefw sends your token to HOST, and only if it
presents exactly that certificate. Compare the fingerprint with the one in the Proxmox web
interface (node > System > Certificates) before you rely on it, or pass --fingerprint to have
it checked for you.
`;

export const PULL_HELP = `Usage: pvefw pull [--host URL] [--dir DIR] [--force]

Writes the whole cluster's firewall into DIR (default: the working folder) in the /etc/pve
layout, as Proxmox's own writer would write the files: firewall/cluster.fw,
firewall/<vmid>.fw, nodes/<node>/host.fw, sdn/firewall/<vnet>.fw; plus topology.json (guests,
NICs, node addresses; see docs/topology.md) and .pvefw/state.json (what was pulled, with each
list's digest). Files of guests or nodes the cluster no longer has are deleted.

A pull refuses to overwrite changes that are not on the cluster yet; --force overwrites them.
The host comes from --host or .pvefw.json. ${TOKEN}
`;

export const PLAN_HELP = `Usage: pvefw plan [--host URL] [--dir DIR] [--format text|json] [--out FILE]
                  [--detailed-exitcode]

Compares DIR with the live cluster and prints the API calls a push would make, in order:
aliases, ipset entries (added and removed one by one), security groups, rules (created
disabled, moved into place, then enabled; identified by content, not position), options, and
removals last. Warns when the cluster changed since the last pull and lists anything Proxmox
would refuse, and says first what push would refuse: a configuration that cuts this machine off
port 8006 of a node (which node, which address, because of which line, and the fix). Nothing is
changed.

  --out FILE           also write the plan to FILE: 'pvefw push FILE' pushes exactly it
  --detailed-exitcode  0 no changes, 2 changes that can be pushed, 1 they cannot or an
                       error (for scheduled drift checks)

Exit codes: 0 the plan can be pushed (with or without changes), 1 it cannot (problems, a
lock-out), 2 bad usage, configuration or connection (with --detailed-exitcode: 2 changes, 1
any error). ${TOKEN}
`;

export const PUSH_HELP = `Usage: pvefw push [--host URL] [--dir DIR] [--yes] [--force] [--allow-lockout] [PLANFILE]

Makes the cluster hold DIR: plans as 'pvefw plan' does, asks for confirmation (or --yes),
then makes the calls one by one, each with the digest Proxmox will compute at that moment.
The first refused call stops the push with a report of what was and was not applied; every
call is atomic, so the cluster stays consistent, and a new push continues where it stopped.
Afterwards the cluster is read back and the push is only reported complete if it holds DIR.

  --yes            do not ask (needed when stdin is not a terminal)
  --force          push although the cluster changed since the last pull (undoing that change)
  --allow-lockout  push although this machine would lose access to port 8006 of a node
  PLANFILE         a plan written by 'pvefw plan --out': pushed without asking, exactly as
                   reviewed, or refused if the cluster or the workspace changed since

Exit codes: 0 pushed (or nothing to do), 1 refused or stopped, 2 bad usage, configuration or
connection. ${TOKEN}
`;
