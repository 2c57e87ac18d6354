// User settings the server honours: per-code severities (`pvefw.diagnostics.<code>`: error,
// warning, information, hint or off), whether the reachability analysis also reports partial
// overlaps (`pvefw.reachability.overlapHints`) and where the per-code docs pages are. Read from
// `initializationOptions` (any client: `{ diagnostics: {…}, reachability: {…} }`), then
// `workspace/configuration` when the client offers it, else from the
// `workspace/didChangeConfiguration` payload (`{ pvefw: { diagnostics, reachability } }`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeConfigurationNotification } from 'vscode-languageserver/node';
import type { Connection } from 'vscode-languageserver/node';
import { DIAGNOSTIC_CODES } from '../../core/index';
import type { Finding, Severity } from '../../core/index';
import type { ClientSupport } from '../capabilities';
import type { FindingPolicy } from '../file-analysis';
import { background, guarded } from '../guard';
import type { Logger } from '../guard';

export type SeverityOverride = Severity | 'off';
const VALUES: readonly string[] = ['error', 'warning', 'information', 'hint', 'off'];
export const SETTINGS_SECTION = 'pvefw.diagnostics';
export const REACHABILITY_SECTION = 'pvefw.reachability';
export const BACKEND_SECTION = 'pvefw.backend';

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** docs/diagnostics beside dist/server.js, or five levels above out/server/src/lsp/features. */
function bundledDocs(): string | undefined {
  for (const dir of [
    join(__dirname, '..', 'docs', 'diagnostics'),
    join(__dirname, '..', '..', '..', '..', '..', 'docs', 'diagnostics'),
  ]) {
    if (existsSync(dir)) return pathToFileURL(dir).href;
  }
  return undefined;
}

export class ServerSettings implements FindingPolicy {
  generation = 0;
  private overrides = new Map<string, SeverityOverride>();
  /** Report `rule-overlap` hints (partial overlaps with another verdict); off by default. */
  overlapHints = false;
  /** `pvefw.backend`: the firewall of nodes whose host.fw the workspace lacks. */
  backend: 'pve-firewall' | 'proxmox-firewall' = 'pve-firewall';
  readonly docsUri: string | undefined;
  /** The client runs `editor.action.triggerSuggest` (VS Code); others may not know it. */
  readonly retriggerSuggest: boolean;
  /** A client command that converts a document to LF (VS Code cannot do it with an edit). */
  readonly lineEndsCommand: string | undefined;

  constructor(initializationOptions: unknown) {
    const options = record(initializationOptions);
    const docs = options.docsUri;
    let uri = typeof docs === 'string' && docs !== '' ? docs : bundledDocs();
    while (uri?.endsWith('/')) uri = uri.slice(0, -1);
    this.docsUri = uri;
    this.retriggerSuggest = options.retriggerSuggest === true;
    this.lineEndsCommand =
      typeof options.lineEndsCommand === 'string' ? options.lineEndsCommand : undefined;
    this.update(options.diagnostics);
    this.updateReachability(options.reachability);
    this.updateBackend(options.backend);
  }

  /** Takes `{ "overlapHints": true }`; anything but `true` means off. True when it changed. */
  updateReachability(reachability: unknown): boolean {
    const overlapHints = record(reachability).overlapHints === true;
    if (overlapHints === this.overlapHints) return false;
    this.overlapHints = overlapHints;
    this.generation++;
    return true;
  }

  /** Takes `"iptables"` or `"nftables"` (anything else: iptables). True when it changed. */
  updateBackend(backend: unknown): boolean {
    const next = backend === 'nftables' ? 'proxmox-firewall' : 'pve-firewall';
    if (next === this.backend) return false;
    this.backend = next;
    this.generation++;
    return true;
  }

  /** Takes `{ "<code>": "warning", … }`; true when anything changed. */
  update(diagnostics: unknown): boolean {
    const next = new Map<string, SeverityOverride>();
    for (const [code, value] of Object.entries(record(diagnostics))) {
      if (typeof value === 'string' && VALUES.includes(value) && code in DIAGNOSTIC_CODES)
        next.set(code, value as SeverityOverride);
    }
    const same =
      next.size === this.overrides.size &&
      [...next].every(([code, value]) => this.overrides.get(code) === value);
    if (same) return false;
    this.overrides = next;
    this.generation++;
    return true;
  }

  apply(findings: readonly Finding[]): Finding[] {
    if (this.overrides.size === 0) return [...findings];
    const out: Finding[] = [];
    for (const finding of findings) {
      const override = this.overrides.get(finding.code);
      if (override === 'off') continue;
      out.push(override === undefined ? finding : { ...finding, severity: override });
    }
    return out;
  }

  readonly describe = (code: string): string | undefined =>
    this.docsUri !== undefined && code in DIAGNOSTIC_CODES
      ? `${this.docsUri}/${code}.md`
      : undefined;
}

/** Keeps `settings` current; `changed` runs after every change that alters the findings. */
export function watchSettings(
  connection: Connection,
  settings: ServerSettings,
  support: ClientSupport,
  log: Logger,
  changed: () => void,
): { initialized(): void } {
  const pull = async (): Promise<void> => {
    const [diagnostics, reachability, backend] = (await connection.workspace.getConfiguration([
      { section: SETTINGS_SECTION },
      { section: REACHABILITY_SECTION },
      { section: BACKEND_SECTION },
    ])) as unknown[];
    // A client without these settings answers null: keep what initializationOptions said.
    const known = (value: unknown): boolean => typeof value === 'object' && value !== null;
    const severities = known(diagnostics) && settings.update(diagnostics);
    const overlaps = known(reachability) && settings.updateReachability(reachability);
    const backends = typeof backend === 'string' && settings.updateBackend(backend);
    if (severities || overlaps || backends) changed();
  };
  connection.onDidChangeConfiguration(
    guarded(
      log,
      'workspace/didChangeConfiguration',
      () => undefined,
      ({ settings: pushed }: { settings: unknown }) => {
        if (support.configuration) {
          background(log, 'workspace/configuration', pull());
          return;
        }
        // The payload, when it has a `pvefw` object, is the whole section: what it lacks is reset.
        if (record(pushed).pvefw === undefined) return;
        const section = record(record(pushed).pvefw);
        const severities = settings.update(section.diagnostics);
        const overlaps = settings.updateReachability(section.reachability);
        const backends = settings.updateBackend(section.backend);
        if (severities || overlaps || backends) changed();
      },
    ),
  );
  return {
    initialized(): void {
      if (support.configurationChangeRegistration)
        background(
          log,
          'register configuration',
          connection.client.register(DidChangeConfigurationNotification.type, { section: 'pvefw' }),
        );
      if (support.configuration) background(log, 'workspace/configuration', pull());
    },
  };
}
