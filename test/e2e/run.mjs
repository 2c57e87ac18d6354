// The editor layer of the tests: the packaged pvefw.vsix in a real VS Code (code-server), driven
// by headless Chromium through playwright-core. Every step waits on a condition in the page with
// a deadline; none sleeps for a fixed time. test/e2e/README.md says what it asserts and why.
//
//   bash test/e2e/setup.sh && node test/e2e/run.mjs
//
// Environment: PVEFW_E2E_VSIX (a .vsix to test instead of ./pvefw.vsix), PVEFW_E2E_CACHE (as for
// setup.sh), PVEFW_E2E_KEEP=1 (keep the temporary folder), PVEFW_E2E_TIMEOUT (seconds a step may
// wait; default 60).
/* global document */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  editorLine,
  escapeRegExp,
  LINE_SELECTOR,
  pointOf,
  STEP_TIMEOUT,
  text,
  until,
} from './page.mjs';
import { syncFlow } from './sync-flow.mjs';
import { toolsFlow } from './tools-flow.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = path.join(ROOT, '.e2e'); // git-ignored: failure screenshots, code-server log
const SCREENSHOT = path.join(ROOT, 'docs', 'screenshot.png');
const CORPUS = path.resolve(ROOT, '../shared/corpus/upstream/test-ipset1');
const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 720 };

// ── The workspace ────────────────────────────────────────────────────────────────────────────

// Used when ../shared is not beside the clone: pve-firewall's test-ipset1 files, verbatim (so
// the workspace, and the screenshot, are the same either way).
const INLINE_CLUSTER = `[OPTIONS]

enable: 1

[ALIASES]

myserveralias 10.2.0.111
mynetworkalias 10.3.0.0/24

[ipset management]

192.168.128.2

[ipset myipset]

192.168.0.1 
172.16.0.10
192.168.1.0/24
mynetworkalias
myserveralias

[ipset dmzhosts]
10.10.10.0/24
10.10.11.1

#global ipset blacklist
[ipset blacklist]

10.0.0.8
192.168.0.0/24

`;
const INLINE_HOST = `

[RULES]

IN REJECT -source +myipset -dest +dmzhosts -p tcp -dport 22

IN ACCEPT -source +myipset -p tcp -dport 22

`;

const TRUSTED = `
[IPSET trusted] # admin workstations

10.0.0.0/24
!10.0.0.13 # the shared kiosk
192.168.5.7
`;

// The rule with two blanks after -p is dropped by Proxmox; the last line is where the test
// completes. The hovered rule sits low enough for its hover to open above it, inside the editor.
const GUEST = `[OPTIONS]

enable: 1
policy_in: DROP

[RULES]

# HTTPS for everyone; SSH for the admin workstations in cluster.fw
IN ACCEPT -p tcp -dport 443
IN ACCEPT -source +trusted -p tcp -dport 22
IN ACCEPT -p  tcp -dport 22
IN ACCEPT -source +tru
`;
// A guest file that is never opened: its error must still reach the Problems panel.
const CLOSED_GUEST = `[OPTIONS]

enable: 1

[RULES]

IN ACCEPT -source +nosuchset -p tcp -dport 22
`;
const HTTPS_LINE = 'IN ACCEPT -p tcp -dport 443';
const SHADOWED_LINE = 'IN DROP -p tcp -dport 443 -source 10.9.0.0/16';
const HOVER_LINE = 'IN ACCEPT -source +trusted -p tcp -dport 22';
const COMPLETE_LINE = 'IN ACCEPT -source +tru';
const ACCEPTED_LINE = 'IN ACCEPT -source +trusted';
const PROXMOX_MESSAGE = 'unable to parse rule parameters';

/** The corpus file, else its inline copy; `changed` when the corpus no longer equals the copy. */
function readCorpus(name, inline, notes) {
  const file = path.join(CORPUS, name);
  if (!fs.existsSync(file)) return inline;
  const text = fs.readFileSync(file, 'utf8');
  if (text !== inline) notes.push(`${name} differs from run.mjs's inline copy`);
  return text;
}

function makeWorkspace(dir) {
  const notes = [];
  const files = {
    'firewall/cluster.fw':
      readCorpus('cluster.fw', INLINE_CLUSTER, notes).trimEnd() + '\n' + TRUSTED,
    'firewall/100.fw': GUEST,
    'firewall/101.fw': CLOSED_GUEST,
    'nodes/pve1/host.fw': readCorpus('host.fw', INLINE_HOST, notes),
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const source = fs.existsSync(CORPUS)
    ? `from ${path.relative(ROOT, CORPUS)}`
    : 'from inline text (no ../shared)';
  return [source, ...notes].join('; ');
}

// ── Tools ────────────────────────────────────────────────────────────────────────────────────

/** The folder setup.sh installs into; the versions are read from setup.sh, their one source. */
function toolsDir() {
  const setup = fs.readFileSync(path.join(ROOT, 'test/e2e/setup.sh'), 'utf8');
  const version = (name) => new RegExp(`^${name}=(\\S+)$`, 'm').exec(setup)?.[1];
  const cache =
    process.env.PVEFW_E2E_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'pvefw-e2e');
  const dir = path.join(
    cache,
    `code-server-${version('CODE_SERVER_VERSION')}+playwright-core-${version('PLAYWRIGHT_VERSION')}`,
  );
  if (!fs.existsSync(path.join(dir, '.complete')))
    throw new Error(
      `code-server and playwright-core are not in ${dir}: run bash test/e2e/setup.sh`,
    );
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run test/e2e/setup.sh`);
  return dir;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000, ...options });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})\n${result.stdout ?? ''}${result.stderr ?? ''}`,
    );
  return result.stdout;
}

/** ./pvefw.vsix, made by `npm run package` (after a build when dist/ is missing) if absent. */
function vsixPath() {
  if (process.env.PVEFW_E2E_VSIX)
    return { file: path.resolve(process.env.PVEFW_E2E_VSIX), how: 'given' };
  const file = path.join(ROOT, 'pvefw.vsix');
  if (fs.existsSync(file)) {
    const bundles = ['client.js', 'server.js'].map((f) => path.join(ROOT, 'dist', f));
    const stale = bundles.some(
      (f) => fs.existsSync(f) && fs.statSync(f).mtimeMs > fs.statSync(file).mtimeMs,
    );
    return {
      file,
      how: stale ? 'reused (older than dist/: npm run package to refresh)' : 'reused',
    };
  }
  const built = ['client.js', 'server.js'].every((f) => fs.existsSync(path.join(ROOT, 'dist', f)));
  if (!built) run('npm', ['run', 'build', '--silent'], { cwd: ROOT });
  run('npm', ['run', 'package', '--silent'], { cwd: ROOT });
  return { file, how: built ? 'packaged' : 'built and packaged' };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether a `.log` file under `dir` (VS Code's output channels among them) holds `text`. */
function logsHold(dir, text) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.log')) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if (fs.readFileSync(file, 'utf8').includes(text)) return true;
  }
  return false;
}

// ── code-server ──────────────────────────────────────────────────────────────────────────────

class CodeServer {
  constructor(tools, tmp) {
    this.entry = path.join(tools, 'node_modules/code-server/out/node/entry.js');
    this.userData = path.join(tmp, 'user-data');
    this.extensions = path.join(tmp, 'extensions');
    this.log = path.join(ARTIFACTS, 'code-server.log');
    // code-server writes its config.yaml and logs under the XDG folders: keep them in tmp.
    this.env = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
      XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
      XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
    };
    this.child = undefined;
  }

  common() {
    return ['--user-data-dir', this.userData, '--extensions-dir', this.extensions];
  }

  writeSettings() {
    const settings = {
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'extensions.ignoreRecommendations': true,
      'git.enabled': false,
      'editor.minimap.enabled': false,
      'editor.hover.delay': 150,
      // The screenshot should not change from run to run: no blinking cursor, no breadcrumbs
      // (they fill in when document symbols arrive).
      'editor.cursorBlinking': 'solid',
      'breadcrumbs.enabled': false,
      'workbench.colorTheme': 'Default Dark Modern',
    };
    const file = path.join(this.userData, 'User', 'settings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  }

  install(vsix) {
    const out = run(process.execPath, [this.entry, ...this.common(), '--install-extension', vsix], {
      env: this.env,
    });
    const id = 'pvefw.pvefw';
    if (!fs.readdirSync(this.extensions).some((name) => name.startsWith(`${id}-`)))
      throw new Error(`${id} is not in ${this.extensions} after --install-extension:\n${out}`);
  }

  /** Starts on 127.0.0.1:port in its own process group; resolves once it listens. */
  start(port, workspace, timeout) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const log = fs.openSync(this.log, 'w');
    const args = [
      this.entry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...this.common(),
      workspace,
    ];
    // detached: the child calls setsid(), so stop() can end its whole process group.
    this.child = spawn(process.execPath, args, {
      env: this.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(
        () => reject(new Error(`code-server did not listen within ${timeout / 1000}s:\n${seen}`)),
        timeout,
      );
      const onData = (chunk) => {
        fs.writeSync(log, chunk);
        seen += chunk.toString();
        if (seen.includes('HTTP server listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.child.stdout.on('data', onData);
      this.child.stderr.on('data', onData);
      this.child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited (${signal ?? code}) before listening:\n${seen}`));
      });
    });
  }

  /** Ends the process group: SIGTERM, then SIGKILL for anything still alive after 5 s. */
  async stop() {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    this.child = undefined;
    const alive = () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const signal = (name) => {
      try {
        process.kill(-pid, name);
      } catch {
        // already gone
      }
    };
    const gone = async (ms) => {
      const deadline = Date.now() + ms;
      while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return !alive();
    };
    signal('SIGTERM');
    if (await gone(5000)) return;
    signal('SIGKILL');
    await gone(5000);
  }
}

// ── Steps ────────────────────────────────────────────────────────────────────────────────────

const timings = [];
let current = 'start';

async function step(name, body) {
  current = name;
  const started = Date.now();
  process.stdout.write(`e2e: ${name} … `);
  const detail = await body();
  const ms = Date.now() - started;
  timings.push([name, ms]);
  console.log(`ok (${(ms / 1000).toFixed(1)}s)${detail ? ` — ${detail}` : ''}`);
}

async function main() {
  const started = Date.now();
  let tmp;
  let server;
  let browser;
  let page;
  let failed = false;
  // Once only, whether a signal or the end of the run asks first; the other waits for it.
  let cleaning;
  const stops = [];
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const stop of stops.reverse()) await stop().catch(() => {});
      await browser?.close().catch(() => {});
      await server?.stop();
      if (tmp && process.env.PVEFW_E2E_KEEP !== '1')
        fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5 });
    })());
  const onSignal = (signal) => {
    console.error(`\ne2e: ${signal} during '${current}', cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);

  // Failure screenshots of an earlier run would mislead: start without them.
  if (fs.existsSync(ARTIFACTS))
    for (const name of fs.readdirSync(ARTIFACTS))
      if (/^failure-.*\.png$/.test(name)) fs.rmSync(path.join(ARTIFACTS, name));

  try {
    let tools;
    let chromium;
    await step('tools', () => {
      tools = toolsDir();
      ({ chromium } = createRequire(path.join(tools, 'package.json'))('playwright-core'));
      return path.relative(os.homedir(), tools).startsWith('..')
        ? tools
        : `~/${path.relative(os.homedir(), tools)}`;
    });

    let vsix;
    await step('vsix', () => {
      vsix = vsixPath();
      return `${vsix.how} ${path.relative(ROOT, vsix.file) || vsix.file}`;
    });

    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pvefw-e2e-'));
    const workspace = path.join(tmp, 'workspace');
    await step('workspace', () => makeWorkspace(workspace));

    server = new CodeServer(tools, tmp);
    await step('install the vsix', () => {
      server.writeSettings();
      server.install(vsix.file);
      return 'code-server --install-extension into a fresh extensions dir';
    });

    const port = await freePort();
    await step('start code-server', async () => {
      await server.start(port, workspace, STEP_TIMEOUT);
      return `127.0.0.1:${port}, log in ${path.relative(ROOT, server.log)}`;
    });

    await step('open the workbench in Chromium', async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // Playwright would exit the process on these signals before code-server is stopped.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        // Chromium keeps its crash-report database under XDG_CONFIG_HOME: keep that in tmp too.
        env: { ...process.env, XDG_CONFIG_HOME: server.env.XDG_CONFIG_HOME },
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      page = await browser.newPage({ viewport: VIEWPORT });
      page.setDefaultTimeout(STEP_TIMEOUT);
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
      await page.locator('.monaco-workbench').waitFor();
    });

    await step('open firewall/100.fw from the Explorer', async () => {
      const row = (name) =>
        page.locator('.explorer-folders-view .monaco-list-row').filter({
          has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }),
        });
      await row('firewall').click();
      await row('100.fw').click();
      await editorLine(page, COMPLETE_LINE).waitFor();
      const mode = page.locator('#status\\.editor\\.mode');
      await until(page, 'the language mode to be Proxmox VE Firewall', async () =>
        (await mode.innerText()).includes('Proxmox VE Firewall'),
      );
      return 'language mode: Proxmox VE Firewall';
    });

    await step('1. Problems panel lists the diagnostic', async () => {
      // Open the Problems panel by clicking the status-bar counter, as a user would (a mouse
      // click needs no keyboard focus); the counter shows errors once the server has reported.
      const counter = page.locator('#status\\.problems');
      await until(page, 'the status bar to count an error', async () =>
        /[1-9]/.test(await counter.innerText()),
      );
      const panel = page.locator('.markers-panel');
      if (!(await panel.isVisible())) await counter.click();
      const rows = await until(
        page,
        `the Problems panel to list '${PROXMOX_MESSAGE}'`,
        async () => {
          const all = await text(panel.locator('.monaco-list-row'));
          const ok = ['pvefw', PROXMOX_MESSAGE, 'unparsable-rule-parameters'].every((s) =>
            all.includes(s),
          );
          // Also wait for the workspace report (101.fw is never opened; step 5 checks it), so
          // that the screenshot shows the same panel on every run.
          return ok && all.includes('101.fw') && all;
        },
      );
      const line = rows.split('\n').find((l) => l.includes(PROXMOX_MESSAGE));
      return line.trim();
    });

    await step('2. completion offers the ipset +trusted', async () => {
      // Put the cursor at the end of the line, remove '+tru' and type '+': a trigger character,
      // so the suggest widget opens by itself.
      const point = await pointOf(page, COMPLETE_LINE, '+tru');
      await page.mouse.click(point.x, point.y);
      await page.keyboard.press('End');
      for (let i = 0; i < '+tru'.length; i++) await page.keyboard.press('Backspace');
      await editorLine(page, 'IN ACCEPT -source ').waitFor();
      await page.keyboard.type('+');
      const widget = page.locator('.editor-widget.suggest-widget.visible');
      const offered = async () =>
        (await text(widget.locator('.monaco-list-row .label-name')))
          .split('\n')
          .map((s) => s.trim());
      const labels = await until(page, 'the suggest widget to offer +trusted', async () => {
        const all = await offered();
        return all.includes('+trusted') && all;
      });
      await page.keyboard.type('tru');
      await until(page, "'+trusted' to stay offered after typing 'tru'", async () =>
        (await offered()).includes('+trusted'),
      );
      await page.keyboard.press('Enter');
      await editorLine(page, ACCEPTED_LINE).waitFor();
      // Semantic tokens come after the edit: wait until the new line is coloured as the rule above.
      await until(page, 'the completed line to get its semantic colours', () =>
        page.evaluate(
          ([selector, lines]) => {
            const classes = (wanted) => {
              const norm = (s) => s.replace(/\u00a0/g, ' ');
              const element = [...document.querySelectorAll(selector)].find((e) =>
                norm(e.textContent).startsWith(wanted),
              );
              let length = 0;
              const spans = [];
              for (const span of element?.querySelectorAll('span > span') ?? []) {
                if (length >= lines[1].length) break;
                length += span.textContent.length;
                spans.push(`${norm(span.textContent)}:${span.className}`);
              }
              return spans.join('|');
            };
            const above = classes(lines[0]);
            return above !== '' && above === classes(lines[1]);
          },
          [LINE_SELECTOR, [HOVER_LINE, ACCEPTED_LINE]],
        ),
      );
      return `offered: ${labels.slice(0, 6).join(' ')}${labels.length > 6 ? ' …' : ''}; accepted`;
    });

    let hoverText;
    await step('3. hover on +trusted shows its members', async () => {
      const point = await pointOf(page, HOVER_LINE, 'trusted');
      const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content');
      // Move away and back if the first hover does not come (a widget may still be closing).
      hoverText = await until(page, 'a hover with the members of trusted', async () => {
        if (!(await hover.isVisible())) {
          await page.mouse.move(point.x, point.y + 200);
          await page.mouse.move(point.x, point.y);
          await hover.waitFor({ timeout: 3000 });
        }
        const shown = await hover.innerText();
        return shown.includes('trusted') && shown.includes('192.168.5.7') && shown;
      });
      // 10.0.0.13 is written `!10.0.0.13`: a member of 10.0.0.0/24 taken out again. The hover
      // must show it excluded: either named as excluded, or as the gap between two intervals.
      const excluded =
        /!\s*10\.0\.0\.13\b/.test(hoverText) ||
        (/10\.0\.0\.12\b/.test(hoverText) && /10\.0\.0\.14\b/.test(hoverText));
      if (!excluded)
        throw new Error(`the hover does not show !10.0.0.13 as excluded:\n${hoverText}`);
      return hoverText
        .split('\n')
        .find((l) => l.includes('192.168.5.7'))
        .trim();
    });

    await step('4. screenshot', async () => {
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, animations: 'disabled', caret: 'hide' });
      return path.relative(ROOT, SCREENSHOT);
    });

    // The Problems panel is open since step 1; its rows, as one text.
    const problems = () => text(page.locator('.markers-panel .monaco-list-row'));

    await step('5. the error of a file that is not open is listed', async () => {
      const rows = await until(page, "the Problems panel to list 101.fw's error", async () => {
        const all = await problems();
        return all.includes('101.fw') && all.includes('undefined-ipset') && all;
      });
      return rows
        .split('\n')
        .find((l) => l.includes('undefined-ipset'))
        .trim();
    });

    await step('6. a shadowing rule typed without saving shows its finding', async () => {
      // A new last line, after the completed one; the cursor is still at its end.
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type(SHADOWED_LINE);
      await page.keyboard.press('Escape');
      await editorLine(page, SHADOWED_LINE).waitFor();
      const rows = await until(page, 'the Problems panel to list shadowed-rule', async () => {
        const all = await problems();
        return all.includes('shadowed-rule') && all;
      });
      // VS Code let the server register the second diagnostic provider that delivered it.
      await until(page, "the server's log to name its second diagnostic provider", async () =>
        logsHold(server.userData, 'second diagnostic provider, pvefw-reachability'),
      );
      return rows
        .split('\n')
        .find((l) => l.includes('shadowed-rule'))
        .trim()
        .slice(0, 100);
    });

    await step('7. removing its cause withdraws the finding', async () => {
      // The HTTPS rule takes the DROP's packets; give it another port.
      const point = await pointOf(page, HTTPS_LINE, '443');
      await page.mouse.click(point.x, point.y);
      await page.keyboard.press('End');
      await page.keyboard.press('Backspace');
      await page.keyboard.type('4');
      await page.keyboard.press('Escape');
      await editorLine(page, 'IN ACCEPT -p tcp -dport 444').waitFor();
      await until(page, 'shadowed-rule to leave the Problems panel', async () => {
        const all = await problems();
        return all.includes('undefined-ipset') && !all.includes('shadowed-rule');
      });
      return 'gone, without a save';
    });

    await toolsFlow({ page, step });

    await syncFlow({
      page,
      step,
      tmp,
      root: ROOT,
      codeServerPort: port,
      xdgConfig: server.env.XDG_CONFIG_HOME,
      build: () => run('npx', ['tsc', '-b'], { cwd: ROOT }),
      onCleanup: (stop) => stops.push(stop),
    });
  } catch (error) {
    failed = true;
    console.log('FAILED');
    console.error(
      `\ne2e: step '${current}' failed: ${error instanceof Error ? error.message : error}`,
    );
    if (page) {
      const shot = path.join(ARTIFACTS, `failure-${current.replace(/[^a-z0-9]+/gi, '-')}.png`);
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: shot }).then(
        () => console.error(`e2e: screenshot of the failure: ${path.relative(ROOT, shot)}`),
        () => {},
      );
      // What a screenshot cuts short: the notifications (also those no longer shown as toasts),
      // a dialog's text, the quick input.
      const shown = await page
        .evaluate(() =>
          ['.notification-list-item-message', '.monaco-dialog-box', '.quick-input-widget']
            .flatMap((selector) => [...document.querySelectorAll(selector)])
            .filter((e) => e.checkVisibility())
            .map((e) => e.innerText.trim())
            .filter((t) => t !== '')
            .join('\n---\n'),
        )
        .catch(() => '');
      if (shown) console.error(`e2e: on the page:\n${shown}`);
    }
    if (fs.existsSync(path.join(ARTIFACTS, 'code-server.log')))
      console.error(
        `e2e: code-server's output: ${path.relative(ROOT, path.join(ARTIFACTS, 'code-server.log'))}`,
      );
  } finally {
    await cleanup();
  }
  console.log('\ne2e: timings');
  for (const [name, ms] of timings) console.log(`${(ms / 1000).toFixed(1).padStart(6)}s  ${name}`);
  console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  total`);
  if (failed) process.exitCode = 1;
}

await main();
