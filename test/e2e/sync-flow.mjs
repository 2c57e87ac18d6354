// The cluster commands in the real editor, against the project's Proxmox API simulator (HTTPS on
// 127.0.0.1, test/sim) in this process: trust the certificate (fingerprint shown before the
// pin), set the API token (a wrong one is refused and not kept), pull, edit, plan (one plan
// document, updated in place), push; a refused token offering "Set API token"; a push stopped by
// another admin leaving "remote changed" until a pull; a lock-out the plan shows and push
// refuses reason first, its override behind a second confirmation; a changed certificate that
// Enter does not re-pin. test/e2e/README.md lists what each step asserts.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { editorLine, until } from './page.mjs';
import {
  activeEditorText,
  answerInput,
  clearNotifications,
  clickDialogButton,
  clickNotificationButton,
  dialog,
  explorerRow,
  insertAbove,
  notified,
  runCommand,
  save,
  showTab,
  statusSays,
  tabLabels,
} from './workbench.mjs';

const BASE = `[OPTIONS]

enable: 1

[RULES]

IN ACCEPT -p tcp -dport 8006
IN ACCEPT -p tcp -dport 22
`;
const WEB_RULE = 'IN ACCEPT -p tcp -dport 8006';
const ADDED_RULE = 'IN ACCEPT -p tcp -dport 443 # typed in the editor';
const LOCKOUT_RULE = 'IN DROP -p tcp -dport 8006';
const WRONG_TOKEN = 'root@pam!pvefw=00000000-0000-4000-8000-000000000000';

/** The compiled simulator and its fixtures (out/, from `tsc -b`). */
function simulatorModules(root, build) {
  const out = path.join(root, 'out', 'test');
  if (!fs.existsSync(path.join(out, 'sim', 'simulator.js'))) build();
  const require = createRequire(import.meta.url);
  return {
    ...require(path.join(out, 'sim', 'simulator.js')),
    ...require(path.join(out, 'sim', 'faults.js')),
    ...require(path.join(out, 'support', 'sim-fixture.js')),
  };
}

// ── The flow ─────────────────────────────────────────────────────────────────────────────────

/**
 * Runs the sync steps on `page` (a workbench of the same code-server), in a new empty folder
 * `<tmp>/cluster`. `context.onCleanup` receives what stops the simulator.
 */
export async function syncFlow({
  page,
  step,
  tmp,
  root,
  codeServerPort,
  xdgConfig,
  build,
  onCleanup,
}) {
  const sim = simulatorModules(root, build);
  const stateDir = sim.writeSimState(
    { files: { 'firewall/cluster.fw': BASE } },
    fs.mkdtempSync(path.join(tmp, 'sim-state-')),
  );
  let cluster = await sim.startSimulator({ stateDir, authFailureDelayMs: 0 });
  onCleanup(() => cluster.close());
  const host = `127.0.0.1:${cluster.port}`;
  const folder = path.join(tmp, 'cluster');
  fs.mkdirSync(folder);
  const trustFile = path.join(xdgConfig, 'pvefw', 'trusted-hosts.json');
  const pinned = () =>
    fs.existsSync(trustFile)
      ? JSON.parse(fs.readFileSync(trustFile, 'utf8'))[`https://${host}`]?.fingerprint
      : undefined;
  const clusterFile = path.join(folder, 'firewall', 'cluster.fw');
  const writes = () => cluster.requests.filter((r) => r.method !== 'GET').length;

  await step('8. sync: an empty folder, the simulator on 127.0.0.1', async () => {
    await page.goto(`http://127.0.0.1:${codeServerPort}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view').waitFor();
    return `simulator at https://${host}`;
  });

  await step('9. Trust cluster certificate shows the fingerprint, then pins it', async () => {
    await runCommand(page, 'Proxmox VE Firewall: Trust cluster certificate');
    await answerInput(page, 'Proxmox VE cluster', host);
    const shown = await dialog(page, /^Trust the certificate of /);
    if (shown.message !== `Trust the certificate of ${host}?`)
      throw new Error(`the dialog does not name ${host}: ${shown.message}`);
    if (!shown.detail.includes(cluster.fingerprint))
      throw new Error(`the dialog does not show the fingerprint:\n${shown.detail}`);
    if (pinned() !== undefined) throw new Error('pinned before the user said so');
    await clickDialogButton(page, 'Trust this certificate');
    await notified(page, `Trusted ${host}`);
    if (pinned() !== cluster.fingerprint) throw new Error(`not pinned in ${trustFile}`);
    const config = JSON.parse(fs.readFileSync(path.join(folder, '.pvefw.json'), 'utf8'));
    if (config.host !== `https://${host}`)
      throw new Error(`.pvefw.json: ${JSON.stringify(config)}`);
    return `pinned ${cluster.fingerprint.slice(0, 11)}… in the CLI's trusted-hosts.json`;
  });

  await step('10. Set API token: a wrong token is refused and not kept', async () => {
    await clearNotifications(page);
    await runCommand(page, 'Proxmox VE Firewall: Set API token');
    await answerInput(page, `API token for ${host}`, WRONG_TOKEN);
    const refused = await notified(page, 'Wrong API token');
    if (/saved:/.test(refused)) throw new Error(`claims success: ${refused}`);
    await clickNotificationButton(page, 'Wrong API token', 'Set API token');
    await answerInput(page, `API token for ${host}`, sim.TOKEN);
    const saved = await notified(page, `API token for ${host} saved`);
    return `${refused.slice(0, 60)}… then: ${saved.slice(0, 60)}…`;
  });

  await step('11. Pull from cluster', async () => {
    await clearNotifications(page);
    await runCommand(page, 'Proxmox VE Firewall: Pull from cluster');
    const pulled = await notified(page, 'Pulled:');
    await statusSays(page, 'in sync');
    if (!fs.readFileSync(clusterFile, 'utf8').includes(WEB_RULE))
      throw new Error('firewall/cluster.fw was not pulled');
    return pulled;
  });

  await step('12. edit firewall/cluster.fw and save', async () => {
    await explorerRow(page, 'firewall').click();
    await explorerRow(page, 'cluster.fw').click();
    await editorLine(page, WEB_RULE).waitFor();
    await insertAbove(page, WEB_RULE, ADDED_RULE);
    await save(page, clusterFile, ADDED_RULE);
    await statusSays(page, 'local changes');
    return 'status bar: local changes';
  });

  await step('13. Show plan, twice: one read-only plan document, updated in place', async () => {
    for (let run = 1; run <= 2; run++) {
      await runCommand(page, 'Proxmox VE Firewall: Show plan');
      // The pick list of changed files comes after the plan document; leave it.
      await until(page, 'the changed-file pick list', async () =>
        (await page.locator('.quick-input-widget').innerText()).includes('cluster.fw'),
      );
      await page.keyboard.press('Escape');
      const plan = await until(page, 'the plan document', async () => {
        const shown = await activeEditorText(page);
        return shown.includes(`calls to https://${host}`) && shown;
      });
      if (!plan.includes('-dport 443')) throw new Error(`the plan misses the new rule:\n${plan}`);
    }
    const tabs = await tabLabels(page);
    const plans = tabs.filter((t) => t === 'Plan');
    if (plans.length !== 1 || tabs.some((t) => t.startsWith('Untitled')))
      throw new Error(`expected one Plan tab and no Untitled one: ${tabs.join(', ')}`);
    return `tabs: ${tabs.join(', ')}`;
  });

  await step('14. Push to cluster', async () => {
    await clearNotifications(page);
    await runCommand(page, 'Proxmox VE Firewall: Push to cluster');
    const asked = await dialog(page, /^Push \d+ calls to /);
    if (asked.primary.join() !== 'Push') throw new Error(`buttons: ${JSON.stringify(asked)}`);
    await clickDialogButton(page, 'Push');
    const pushed = await notified(page, 'Pushed');
    await statusSays(page, 'in sync');
    const held = fs.readFileSync(path.join(stateDir, 'firewall', 'cluster.fw'), 'utf8');
    if (!held.includes('-dport 443'))
      throw new Error(`the cluster does not hold the rule:\n${held}`);
    return pushed;
  });

  await step('15. a refused token offers "Set API token"; then the pull runs again', async () => {
    await clearNotifications(page);
    cluster.faults.add({
      when: (r) => r.method === 'GET',
      fault: { kind: 'error', status: 401, message: 'authentication failure' },
    });
    await runCommand(page, 'Proxmox VE Firewall: Pull from cluster');
    const wrong = await notified(page, 'Pull: wrong API token');
    await clickNotificationButton(page, 'Pull: wrong API token', 'Set API token');
    await answerInput(page, `API token for ${host}`, sim.TOKEN);
    await notified(page, `API token for ${host} saved`);
    await notified(page, 'Pulled:');
    return wrong.slice(0, 80);
  });

  await step('16. a push stopped by another admin: "remote changed" until a pull', async () => {
    await clearNotifications(page);
    await showTab(page, 'cluster.fw');
    await insertAbove(page, WEB_RULE, 'IN ACCEPT -p tcp -dport 25');
    await save(page, clusterFile, 'IN ACCEPT -p tcp -dport 25');
    cluster.faults.add({
      when: sim.nth(1, sim.isWrite),
      fault: {
        kind: 'error',
        status: 500,
        message: 'detected modified configuration - file changed by other user? Try again.\n',
      },
    });
    await runCommand(page, 'Proxmox VE Firewall: Push to cluster');
    await dialog(page, /^Push \d+ calls to /);
    await clickDialogButton(page, 'Push');
    const stopped = await dialog(page, /^Push stopped after 0 of \d+ calls: /);
    await clickDialogButton(page, 'Cancel');
    await statusSays(page, 'remote changed');
    await runCommand(page, 'Proxmox VE Firewall: Pull from cluster');
    await dialog(page, /^Pulling overwrites changes/);
    await clickDialogButton(page, 'Overwrite');
    await notified(page, 'Pulled:');
    await statusSays(page, 'in sync');
    return stopped.message.slice(0, 90);
  });

  await step('17. a lock-out: the plan shows it, push refuses with the reason first', async () => {
    await clearNotifications(page);
    await showTab(page, 'cluster.fw');
    await editorLine(page, WEB_RULE).waitFor();
    await insertAbove(page, WEB_RULE, LOCKOUT_RULE);
    await save(page, clusterFile, LOCKOUT_RULE);
    const saved = fs.readFileSync(clusterFile, 'utf8');
    const line = saved.split('\n').indexOf(LOCKOUT_RULE) + 1;
    if (line === 0) throw new Error(`the typed rule is not a line of its own:\n${saved}`);
    await runCommand(page, 'Proxmox VE Firewall: Show plan');
    await until(page, 'the changed-file pick list', async () =>
      (await page.locator('.quick-input-widget').innerText()).includes('cluster.fw'),
    );
    await page.keyboard.press('Escape');
    const plan = await until(page, 'the plan to show the refusal', async () => {
      const shown = await activeEditorText(page);
      return shown.includes('refused at push') && shown;
    });
    if (!plan.includes(`because of the rule '${LOCKOUT_RULE}' in firewall/cluster.fw`))
      throw new Error(`the plan does not name the line:\n${plan}`);
    const before = writes();
    await runCommand(page, 'Proxmox VE Firewall: Push to cluster');
    const refused = await dialog(page, /^Push refused: /);
    const reason = `Push refused: this machine (127.0.0.1) would lose port 8006 of pve1 (192.0.2.11).`;
    if (refused.message !== reason) throw new Error(`the refusal: ${refused.message}`);
    if (!refused.detail.includes(`firewall/cluster.fw:${line}`) || !refused.detail.includes('Fix:'))
      throw new Error(`the refusal's detail:\n${refused.detail}`);
    if (refused.primary.join() !== 'Show plan' || refused.focused !== 'Show plan')
      throw new Error(`the first button must not override: ${JSON.stringify(refused)}`);
    await clickDialogButton(page, 'Push anyway (allow lock-out)…');
    await dialog(page, /^Push although this machine loses port 8006 of pve1/);
    await clickDialogButton(page, 'Cancel');
    if (writes() !== before) throw new Error('a write reached the cluster');
    return `${refused.message} — at firewall/cluster.fw:${line}; override asked again, cancelled`;
  });

  await step(
    '18. a changed certificate: Enter keeps the pin; typing its end replaces it',
    async () => {
      await clearNotifications(page);
      const old = cluster.fingerprint;
      const port = cluster.port;
      await cluster.close();
      cluster = await sim.startSimulator({ stateDir, port, authFailureDelayMs: 0 });
      onCleanup(() => cluster.close());
      await runCommand(page, 'Proxmox VE Firewall: Trust cluster certificate');
      const changed = await dialog(page, /^The certificate of .* changed/);
      if (
        changed.focused !== 'Keep the trusted certificate' ||
        changed.primary.join() !== 'Keep the trusted certificate'
      )
        throw new Error(`Enter would not keep the pin: ${JSON.stringify(changed)}`);
      await page.keyboard.press('Enter');
      await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden' });
      if (pinned() !== old) throw new Error('Enter replaced the pin');
      await runCommand(page, 'Proxmox VE Firewall: Trust cluster certificate');
      await dialog(page, /^The certificate of .* changed/);
      await clickDialogButton(page, 'Replace the pin…');
      const widget = page.locator('.quick-input-widget');
      await until(page, 'the typed confirmation', async () =>
        (await widget.innerText()).includes('Replace the pinned certificate'),
      );
      await page.keyboard.press('Enter');
      if (!(await widget.isVisible()) || pinned() !== old)
        throw new Error('an empty answer replaced the pin');
      await answerInput(page, 'Replace the pinned certificate', cluster.fingerprint.slice(-5));
      await notified(page, `Trusted ${host}`);
      if (pinned() !== cluster.fingerprint) throw new Error('the new certificate is not pinned');
      return 'Enter kept the old pin; the typed end of the new fingerprint replaced it';
    },
  );
}
