import type { FileKind } from '../model';
import type { FwConfig } from '../model';
import { loadFwConfig, type LineVerdict, type LoadResult } from '../model';
import { parseFwSyntax } from '../syntax';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../findings';
import type { Finding, ProxmoxVerdict, Severity } from '../findings';
import { hintFor } from './hints';
import { lintConfig } from './lints';

export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

export interface CheckOptions {
  /** The cluster.fw that host, guest and vnet files resolve ipsets and aliases against. */
  readonly cluster?: SourceFile;
  /** Names of SDN-generated ipsets, when the SDN setup is known (else such names go unchecked). */
  readonly sdnIpSets?: readonly string[];
  /** Whether a guest file belongs to a VM or a container (Proxmox's messages name it). */
  readonly guestEnv?: 'vm' | 'ct';
  /** Seconds since the epoch, for the cluster `enable` time stamp; defaults to now. */
  readonly nowSeconds?: number;
  /**
   * Loaded cluster.fw files by text (then by the SDN sets they were loaded with), kept by the
   * caller across files: a workspace's guests all resolve against one cluster.fw, which is then
   * parsed once instead of once per file.
   */
  readonly clusterCache?: Map<string, Map<string, FwConfig>>;
}

function severityOf(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code].severity;
}

/** What Proxmox's verdict means for the user, said once after every Proxmox message. */
const CONSEQUENCE: Record<ProxmoxVerdict, string> = {
  dropped: 'Proxmox drops this line, and the next API write of the file deletes it for good',
  'kept-with-errors': 'Proxmox keeps this rule but never applies it',
  'entry-error': 'Proxmox keeps this entry but never puts it into the set',
  'file-ignored': 'Proxmox ignores this whole file',
  'file-fails': "proxmox-firewall fails this whole file, and with it the node's update",
};

function lineTextAt(config: FwConfig, lineNumber: number): string {
  return config.tree.lines[lineNumber - 1]?.line.content ?? '';
}

function verdictFinding(
  verdict: LineVerdict,
  kind: FileKind,
  own: FwConfig,
  cluster: FwConfig | undefined,
): Finding {
  // With CRLF line ends every "no section" line is a symptom of the one cause.
  const crlf = own.tree.crlf && verdict.code === 'no-section';
  const code = crlf ? 'crlf-line-endings' : verdict.code;
  const proxmox = crlf ? 'file-ignored' : verdict.verdict;
  const specific = hintFor(
    { ...verdict, code },
    kind,
    own,
    cluster,
    lineTextAt(own, verdict.lineNumber),
  );
  const hint = specific ? `${specific}. ${CONSEQUENCE[proxmox]}` : CONSEQUENCE[proxmox];
  return {
    code,
    severity: severityOf(code),
    message: verdict.message,
    hint,
    span: verdict.span,
    proxmox,
    related: [],
  };
}

function loadCluster(
  options: CheckOptions,
  sdnIpSets: ReadonlySet<string> | undefined,
): FwConfig | undefined {
  if (!options.cluster) return undefined;
  // Keyed by the text itself, not a key built from it: a large cluster.fw is hashed once.
  const { text } = options.cluster;
  const sdnKey = [...(sdnIpSets ?? [])].join(' ');
  const cached = options.clusterCache?.get(text)?.get(sdnKey);
  if (cached) return cached;
  const tree = parseFwSyntax(text, 'cluster');
  const config = loadFwConfig(tree, 'cluster', sdnIpSets ? { sdnIpSets } : {}).config;
  if (options.clusterCache) {
    const bySdn = options.clusterCache.get(text) ?? new Map<string, FwConfig>();
    bySdn.set(sdnKey, config);
    options.clusterCache.set(text, bySdn);
  }
  return config;
}

function checkFileUnguarded(file: SourceFile, kind: FileKind, options: CheckOptions): Finding[] {
  const sdnIpSets = options.sdnIpSets ? new Set(options.sdnIpSets) : undefined;
  const cluster = kind === 'cluster' ? undefined : loadCluster(options, sdnIpSets);
  const tree = parseFwSyntax(file.text, kind);
  const loaded = loadFwConfig(tree, kind, {
    ...(cluster ? { cluster } : {}),
    ...(sdnIpSets ? { sdnIpSets } : {}),
    ...(options.guestEnv ? { guestEnv: options.guestEnv } : {}),
  });
  return findingsOfLoaded(loaded, kind, cluster, options.nowSeconds);
}

function findingsOfLoaded(
  { config, verdicts, unverified }: LoadResult,
  kind: FileKind,
  cluster: FwConfig | undefined,
  now: number | undefined,
): Finding[] {
  const findings: Finding[] = verdicts.map((v) => verdictFinding(v, kind, config, cluster));
  for (const ref of unverified) {
    const missing =
      ref.missing === 'cluster'
        ? 'no cluster.fw was found to resolve it against (pass --cluster, or keep the /etc/pve layout)'
        : 'it can only come from the SDN configuration, which is not known here';
    findings.push({
      code: 'unverified-reference',
      severity: severityOf('unverified-reference'),
      message: `cannot check '${ref.name}': ${missing}`,
      span: ref.span,
      proxmox: null,
      related: [],
    });
  }
  const nowSeconds = now ?? Math.floor(Date.now() / 1000);
  for (const lint of lintConfig(config, nowSeconds)) {
    findings.push({ ...lint, severity: severityOf(lint.code), proxmox: null });
  }
  return findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}

/** Every finding for one file: Proxmox's own verdicts and our lints. Never throws. */
export function checkFile(file: SourceFile, kind: FileKind, options: CheckOptions = {}): Finding[] {
  try {
    return checkFileUnguarded(file, kind, options);
  } catch (err) {
    return internalError(err);
  }
}

export interface LoadedCheckOptions {
  /** The loaded cluster.fw the file was loaded against (for hints that look into it). */
  readonly cluster?: FwConfig;
  readonly nowSeconds?: number;
}

/**
 * checkFile's findings for a file the caller has already parsed and loaded (with
 * loadFwConfig, against `options.cluster`), so a cluster shared by many files is loaded once.
 * Never throws.
 */
export function checkLoadedFile(
  loaded: LoadResult,
  kind: FileKind,
  options: LoadedCheckOptions = {},
): Finding[] {
  try {
    return findingsOfLoaded(loaded, kind, options.cluster, options.nowSeconds);
  } catch (err) {
    return internalError(err);
  }
}

/**
 * The finding for a file whose name does not say which kind of firewall file it is: pvefw does
 * not check it, and Proxmox never reads a file of that name.
 */
export function unknownKindFinding(): Finding {
  return {
    code: 'unknown-file-kind',
    severity: severityOf('unknown-file-kind'),
    message:
      'not checked: the name does not say which firewall file this is (Proxmox reads only firewall/cluster.fw, firewall/<vmid>.fw, nodes/<node>/host.fw and sdn/firewall/<vnet>.fw, and never a file of another name)',
    hint: 'rename it, or check it with --kind cluster|host|guest|vnet',
    span: { start: 0, end: 0 },
    proxmox: null,
    related: [],
  };
}

function internalError(err: unknown): Finding[] {
  // A bug of ours must not take the editor or the CLI down; say so on the first line.
  const detail = err instanceof Error ? err.message : String(err);
  return [
    {
      code: 'internal-error',
      severity: 'error',
      message: `pvefw could not check this file (internal error: ${detail}); please report it`,
      span: { start: 0, end: 0 },
      proxmox: null,
      related: [],
    },
  ];
}
