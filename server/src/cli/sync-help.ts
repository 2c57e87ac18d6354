// Help texts of the cluster commands.

const TOKEN = `The API token is read from the environment variable PVEFW_TOKEN only
(USER@REALM!TOKENID=SECRET); it is never printed. It is sent to a host that only .pvefw.json
names once you have trusted that host yourself ('pvefw trust HOST'); a --host you give is
yours to choose. The cluster's certificate must be valid for the host, or pinned with
'pvefw trust HOST'. .pvefw.json may set timeoutSeconds (idle, default 30), deadlineSeconds
(one whole request, default 120) and maxReplyMegabytes (default 64).`;

export const TRUST_HELP = `Usage: pvefw trust HOST [--fingerprint FP] [--node NAME] [--dir DIR]

Reads the TLS certificate HOST presents (https, port 8006 unless given), prints its SHA-256
fingerprint and trusts HOST for you: host and fingerprint are kept in your own config
($XDG_CONFIG_HOME/pvefw/trusted-hosts.json, else ~/.config/pvefw/trusted-hosts.json), and
recorded in DIR/.pvefw.json for others who share the folder (each of them must trust the host
too: a repository cannot). From then on pvefw sends your token to HOST, and only if it
presents exactly that certificate. Compare the fingerprint with the one in the Proxmox web
interface (node > System > Certificates) before you rely on it, or pass --fingerprint to have
it checked for you.

With --node NAME, HOST is that node's own API endpoint: it is trusted the same way and recorded
in .pvefw.json as "nodeHosts": {"NAME": …}, but does not become the workspace's host. A push
with --confirm-within probes every node there (else at its address, port 8006) and reverts
through any node you trust when the workspace's host stops answering.
`;

export const PULL_HELP = `Usage: pvefw pull [--host URL] [--dir DIR] [--force]

Writes the whole cluster's firewall into DIR (default: the working folder) in the /etc/pve
layout, as Proxmox's own writer would write the files: firewall/cluster.fw,
firewall/<vmid>.fw, nodes/<node>/host.fw, sdn/firewall/<vnet>.fw; plus topology.json (guests,
NICs, node addresses; see docs/topology.md) and .pvefw/state.json (what was pulled, with each
list's digest). Files of guests or nodes the cluster no longer has are deleted.

Local edits are never lost: a file only you changed is left as it is, a file only the cluster
changed is written anew, and a file both changed is merged against the last pull, list by list
(options, aliases and ipset entries by name, rules as ordered lines). What both changed
differently is written between '<<<<<<< local', '=======' and '>>>>>>> cluster' lines, which
'pvefw check' reports and push refuses; pull then exits 1. Each merged file as it was before is
kept in .pvefw/before-pull/. --force overwrites local edits instead. A pull refuses while
markers are left. The host comes from --host or .pvefw.json. ${TOKEN}
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

export const PUSH_HELP = `Usage: pvefw push [--host URL] [--dir DIR] [--yes] [--force] [--allow-lockout]
                  [--confirm-within DURATION] [PLANFILE]

Makes the cluster hold DIR: plans as 'pvefw plan' does, asks for confirmation (or --yes),
then makes the calls one by one, each with the digest Proxmox will compute at that moment.
The first refused call stops the push with a report of what was and was not applied; every
call is atomic, so the cluster stays consistent, and a new push continues where it stopped.
Afterwards the cluster is read back and the push is only reported complete if it holds DIR.

  --yes            do not ask (needed when stdin is not a terminal)
  --force          push although the cluster changed since the last pull (undoing that change;
                   'pvefw pull' merges it instead)
  --allow-lockout  push although this machine would lose access to port 8006 of a node
  --confirm-within DURATION
                   commit-confirmed (90s, 5m, 1h): after the calls, every node's API must
                   keep answering from this machine, and 'pvefw confirm' must accept the push
                   within DURATION; otherwise it is reverted (see 'pvefw help confirm')
  PLANFILE         a plan written by 'pvefw plan --out': pushed without asking, exactly as
                   reviewed, or refused if the cluster or the workspace changed since

Exit codes: 0 pushed (or nothing to do), 1 refused or stopped, 2 bad usage, configuration or
connection. ${TOKEN}
`;

export const CONFIRM_HELP = `Usage: pvefw confirm [--dir DIR] [--host URL]
       pvefw confirm --watch [--dir DIR] [--host URL]

Accepts the push made with 'pvefw push --confirm-within DURATION', if it is still in time and
every node's API (tcp 8006) still answers from this machine. Otherwise the push is reverted: the
lists it changed are pushed back as they were before it, digest-chained like any push, and only
if nobody else changed them since (then nothing is reverted and you are told which). When the
workspace's host does not answer, the revert goes through another node you trust
('pvefw trust HOST --node NAME'); every node's API writes the same cluster files.

The push starts a watcher in the background ('pvefw confirm --watch', detached from the
terminal, with the token in its environment only) that probes the nodes every few seconds and
reverts at once when one stops answering, or at the deadline. Any pvefw command in the folder
also reverts a push whose time has run out. What happened is kept in .pvefw/confirm.log.

Limits: the watcher and the revert run on this machine. If the pushed rules cut this machine
off every node, no revert can reach the cluster; use a node's console ('pve-firewall stop').
A watcher ends with its machine (shutdown, sleep): then the next command in the folder reverts.
${TOKEN}
`;
