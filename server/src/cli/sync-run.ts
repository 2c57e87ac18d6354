// Runs pvefw trust, pull, plan and push: connects (token from PVEFW_TOKEN only), does the work
// in server/src/cluster, prints. A ClusterError is one line on stderr and exit code 2.
import { resolve } from 'node:path';
import { ClusterError } from '../cluster/errors';
import {
  connect,
  endpointClient,
  normaliseHost,
  resolveTarget,
  trustHost,
} from '../cluster/connect';
import {
  confirmPending,
  lastConfirmOutcome,
  nodeEndpoints,
  pushConfirmed,
  readPending,
  revertIfDue,
  revertPending,
  watchPending,
  type ClientFor,
  type RevertOutcome,
} from '../cluster/confirm';
import { unreachableEndpoints } from '../cluster/probe';
import { spawnConfirmWatcher } from '../cluster/watcher';
import { readState } from '../cluster/workspace';
import { FileTrustedHosts, userTrustFile, type TrustedHosts } from '../cluster/trusted-hosts';
import { planWorkspace } from '../cluster/plan-workspace';
import { pull } from '../cluster/pull';
import { pushWorkspace, type PushOptions } from '../cluster/push-workspace';
import { ExitCode } from './exit-codes';
import { readSavedPlan, savedPlanOf, writeSavedPlan } from '../cluster/saved-plan';
import { readInputFile } from './sources';
import type { CliIo } from './io';
import { jsonText, oneLine } from './terminal-text';
import type { SyncArgs } from './sync-args';
import {
  callCount,
  planJson,
  planText,
  pullText,
  pushJson,
  pushText,
} from '../cluster/report-text';

/** Asks the user a question on the terminal; undefined when there is no terminal. */
export type Ask = ((question: string) => Promise<string>) | undefined;

async function trust(
  args: SyncArgs,
  root: string,
  io: CliIo,
  trusted: TrustedHosts,
): Promise<ExitCode> {
  const host = args.host ?? resolveTarget(root, undefined, trusted).baseUrl;
  const result = await trustHost(root, host, trusted, args.fingerprint, args.node);
  io.out(
    `${result.host} presents a certificate for '${result.subject}', valid until ${result.validTo}\n`,
  );
  io.out(`SHA-256 fingerprint: ${result.fingerprint}\n`);
  if (result.previous) io.out(`(it replaces the earlier trusted fingerprint ${result.previous})\n`);
  if (result.inWorkspace === true) io.out(`It matches the fingerprint in .pvefw.json.\n`);
  if (result.inWorkspace === false)
    io.out(`warning: it is not the fingerprint .pvefw.json recorded; that one is replaced.\n`);
  const recorded =
    args.node !== undefined
      ? `it is recorded in .pvefw.json as the API endpoint of node ${args.node}`
      : 'it is recorded in .pvefw.json too';
  io.out(
    args.fingerprint
      ? `It matches --fingerprint. You trust this host now; ${recorded}.\n`
      : `You trust this host now; ${recorded}. Compare the fingerprint with the one the Proxmox web interface shows (node > System > Certificates).\n`,
  );
  return ExitCode.Ok;
}

/** What became of a pending push that was due. */
function revertLine(outcome: RevertOutcome): string {
  switch (outcome.outcome) {
    case 'nothing-pending':
      return 'No push awaits confirmation.\n';
    case 'reverted':
      return `Reverted the push through ${outcome.via} (${outcome.execution.applied.length} calls); your edits are still in the workspace, not pushed.\n`;
    case 'refused':
      return `Did not revert the push: ${outcome.reason}.\n`;
    case 'failed':
      return `Could not revert the push: ${outcome.reason}. It still awaits its revert: run 'pvefw confirm' again.\n`;
  }
}

async function confirm(
  args: SyncArgs,
  root: string,
  io: CliIo,
  clientFor: ClientFor,
): Promise<ExitCode> {
  if (args.watch) {
    const outcome = await watchPending(root, { clientFor });
    io.out(`${outcome.outcome}\n`);
    return outcome.outcome === 'confirmed' ? ExitCode.Ok : ExitCode.Findings;
  }
  const outcome = await confirmPending(root, { clientFor });
  switch (outcome.outcome) {
    case 'nothing-pending': {
      const last = lastConfirmOutcome(root);
      io.out(`No push awaits confirmation.${last ? ` Last: ${last}` : ''}\n`);
      return ExitCode.Ok;
    }
    case 'confirmed':
      io.out('Confirmed: the push stays, and its watcher stands down.\n');
      return ExitCode.Ok;
    case 'not-confirmed':
      io.out(`Not confirmed: ${outcome.why}.\n${revertLine(outcome.revert)}`);
      return ExitCode.Findings;
  }
}

/** After a push with --confirm-within: probe at once, then leave the rest to the watcher. */
async function awaitConfirmation(
  root: string,
  io: CliIo,
  clientFor: ClientFor,
  watcher: (root: string) => number | undefined,
): Promise<ExitCode | undefined> {
  const pending = readPending(root);
  if (!pending) return undefined;
  const down = await unreachableEndpoints(pending.endpoints, 5000);
  if (down.length > 0) {
    const why = `${down.map((d) => `${d.endpoint.node} (${d.endpoint.url}: ${d.reason})`).join(', ')} stopped answering`;
    io.out(`Right after the push, ${why}.\n`);
    io.out(revertLine(await revertPending(root, { clientFor, why })));
    return ExitCode.Findings;
  }
  const pid = watcher(root);
  const until = new Date(pending.deadline).toISOString();
  io.out(
    `Every node answers (${pending.endpoints.map((e) => e.node).join(', ') || 'none known'}). ` +
      `Confirm with 'pvefw confirm' by ${until}, or the push is reverted; ` +
      `a watcher${pid ? ` (process ${pid})` : ''} probes the nodes meanwhile and reverts at once if one stops answering.\n`,
  );
  return undefined;
}

async function run(args: SyncArgs, io: CliIo, ask: Ask): Promise<ExitCode> {
  const root = resolve(io.cwd, args.dir ?? '.');
  // The hosts this user trusts live in the user's own config, never in the workspace.
  const trusted = new FileTrustedHosts(userTrustFile(io.env));
  if (args.command === 'trust') return trust(args, root, io, trusted);
  const target = resolveTarget(root, args.host, trusted);
  const clientFor = endpointClient(target, trusted, io.env);
  // A push past its confirmation time is reverted first: its watcher may be gone.
  if (!args.watch) {
    const due = await revertIfDue(root, { clientFor });
    if (due) io.err(`pvefw: the push awaiting confirmation was due. ${revertLine(due)}`);
  }
  if (args.command === 'confirm') return confirm(args, root, io, clientFor);
  const client = connect(target, io.env);
  const nodes = target.config.nodes ? { nodes: target.config.nodes } : {};
  const json = (value: object): void => io.out(jsonText(value));
  try {
    if (args.command === 'pull') {
      const report = await pull(root, client, { force: args.force, ...nodes });
      if (args.format === 'json') json({ host: target.baseUrl, ...report });
      else {
        io.out(pullText(target.baseUrl, report));
        for (const w of report.warnings) io.err(`pvefw: warning: ${w}\n`);
      }
      // Conflicts to resolve: like a merge that stopped, the pull did not end clean.
      return report.conflicts.length > 0 ? ExitCode.Findings : ExitCode.Ok;
    }
    if (args.command === 'plan') {
      const planned = await planWorkspace(root, client, nodes);
      if (args.format === 'json') json(planJson(target.baseUrl, planned));
      else io.out(planText(target.baseUrl, planned));
      if (args.out !== undefined) {
        writeSavedPlan(resolve(io.cwd, args.out), savedPlanOf(client.host, planned));
        if (args.format !== 'json')
          io.err(
            `pvefw: plan written to ${args.out}; 'pvefw push ${args.out}' pushes exactly it\n`,
          );
      }
      // Problems, and a lock-out push would refuse: the plan cannot be pushed as it is.
      const blocked =
        planned.local.problems.length +
          planned.plan.problems.length +
          planned.nics.problems.length >
          0 ||
        (planned.lockout.checked && planned.lockout.lockedOut.length > 0);
      if (blocked) return ExitCode.Findings;
      if (args.detailedExitcode && callCount(planned) > 0) return ExitCode.Changes;
      return ExitCode.Ok;
    }
    const reviewed =
      args.planFile === undefined
        ? undefined
        : readSavedPlan(
            args.planFile,
            readInputFile(resolve(io.cwd, args.planFile), args.planFile),
          );
    const pushOptions: PushOptions = {
      ...nodes,
      force: args.force,
      allowLockout: args.allowLockout,
      ...(reviewed ? { reviewed } : {}),
      confirm: async (planned) => {
        // A saved plan was reviewed already: push applies it as it is, or refuses.
        if (args.yes || reviewed) return true;
        if (!ask)
          throw new ClusterError(
            'config',
            'refusing to push without confirmation: stdin is not a terminal (pass --yes)',
          );
        io.out(planText(target.baseUrl, planned));
        return /^y(es)?$/i.test(
          (await ask(`Make these ${callCount(planned)} calls? [y/N] `)).trim(),
        );
      },
    };
    let report;
    let awaiting = false;
    if (args.confirmWithinMs !== undefined) {
      const base = readState(root);
      if (!base)
        throw new ClusterError(
          'config',
          'push --confirm-within needs an earlier pull: the nodes to watch come from it',
        );
      report = await pushConfirmed(root, client, {
        ...pushOptions,
        confirmWithinMs: args.confirmWithinMs,
        endpoints: nodeEndpoints(base.topology, target.config.nodeHosts, normaliseHost),
      });
      awaiting = report.awaitingConfirmation;
    } else report = await pushWorkspace(root, client, pushOptions);
    if (args.format === 'json') json(pushJson(target.baseUrl, report));
    else io.out(pushText(target.baseUrl, report));
    if (!report.lockout.checked && report.outcome === 'complete')
      io.err(`pvefw: note: ${report.lockout.reason}\n`);
    if (awaiting) {
      const cli = { node: process.execPath, script: process.argv[1] ?? '' };
      const stopped = await awaitConfirmation(root, io, clientFor, (dir) =>
        cli.script ? spawnConfirmWatcher(dir, cli, io.env) : undefined,
      );
      if (stopped !== undefined) return stopped;
    }
    return report.outcome === 'complete' || report.outcome === 'nothing-to-do'
      ? ExitCode.Ok
      : ExitCode.Findings;
  } finally {
    client.close();
  }
}

/** One cluster command; connection and configuration failures are one line and exit 2. */
export async function runSync(args: SyncArgs, io: CliIo, ask: Ask): Promise<ExitCode> {
  try {
    return await run(args, io, ask);
  } catch (error) {
    if (!(error instanceof ClusterError)) throw error;
    io.err(`pvefw: ${oneLine(error.message)}\n`);
    // With --detailed-exitcode 2 means changes (Terraform's contract): an error is 1.
    return 'detailedExitcode' in args && args.detailedExitcode ? ExitCode.Findings : ExitCode.Usage;
  }
}
