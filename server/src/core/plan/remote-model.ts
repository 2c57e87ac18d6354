// The cluster as it will be after each call of a push, computed locally so every call can carry
// the digest the server is about to compute. Each call is applied the way the API handler does;
// afterwards the file is what Proxmox reads back from its own writer's output.
import type { FwConfig } from '../model';
import type { ProxmoxConf, ProxmoxRule } from '../model';
import { formatProxmoxConf } from '../writer';
import { canonicalEntry, canonicalRule, namesFromConfs, reverifiedRule } from './canonical';
import { insertSorted } from './sorted-entries';
import type { FirewallState } from './firewall-state';
import { clusterConfigOf, loadFileConf } from './firewall-state';
import { CLUSTER_FILE, ruleEnvOf, type FwFileRef } from './fw-files';
import { listDigest } from './digest';
import { digestOfList, type ListName } from './lists';
import type { Action, RuleListName } from './operations';
import { applyToConf, applyToRules } from './apply-action';

export interface ModelRule {
  rule: ProxmoxRule;
  /** Identity while planning: positions shift, tags do not. */
  readonly tag: number;
}

interface ModelFile {
  readonly ref: FwFileRef;
  conf: ProxmoxConf;
  rules: ModelRule[];
  groups: Map<string, ModelRule[]>;
  /** Whether Proxmox has written the file since the plan began (its text is then canonical). */
  written: boolean;
}

/** The model cannot follow what Proxmox would do; the plan must not be pushed. */
export class PredictionError extends Error {}

export class RemoteModel {
  private readonly files = new Map<string, ModelFile>();
  private nextTag = 1;
  private clusterConfig: FwConfig | undefined;
  private readonly digests = new Map<string, string>();

  constructor(
    state: FirewallState,
    private readonly now?: number,
  ) {
    this.sdn = state.sdnIpSets;
    for (const [path, file] of state.files) {
      const {
        rules = [],
        groups = {},
        ...rest
      } = JSON.parse(JSON.stringify(file.conf)) as ProxmoxConf;
      this.files.set(path, {
        ref: file.ref,
        conf: rest,
        rules: rules.map((rule) => this.wrap(rule)),
        groups: new Map(
          Object.entries(groups).map(([name, list]) => [name, list.map((r) => this.wrap(r))]),
        ),
        written: false,
      });
    }
  }

  private readonly sdn: ReadonlySet<string> | undefined;

  private wrap(rule: ProxmoxRule): ModelRule {
    return { rule, tag: this.nextTag++ };
  }

  /** The file's configuration as a ProxmoxConf (rules and groups unwrapped). */
  conf(path: string): ProxmoxConf {
    const file = this.files.get(path);
    if (!file) return {};
    const conf: ProxmoxConf = { ...file.conf, rules: file.rules.map((r) => r.rule) };
    if (file.ref.kind === 'cluster') {
      conf.groups = Object.fromEntries([...file.groups].map(([n, l]) => [n, l.map((r) => r.rule)]));
    }
    return conf;
  }

  rules(path: string, list: RuleListName): readonly ModelRule[] {
    const file = this.files.get(path);
    if (!file) return [];
    return (list.list === 'rules' ? file.rules : file.groups.get(list.name)) ?? [];
  }

  digest(path: string, name: ListName): string {
    const key = `${path}#${JSON.stringify(name)}`;
    let digest = this.digests.get(key);
    if (digest === undefined) {
      if (name.list === 'rules' || name.list === 'group') {
        digest = listDigest(
          this.rules(path, name).map((r) => r.rule as unknown as Record<string, unknown>),
        );
      } else
        digest = digestOfList(
          name.list === 'groups' ? this.conf(path) : (this.files.get(path)?.conf ?? {}),
          name,
        );
      this.digests.set(key, digest);
    }
    return digest;
  }

  private fileFor(path: string, ref: FwFileRef): ModelFile {
    let file = this.files.get(path);
    if (!file) {
      file = { ref, conf: {}, rules: [], groups: new Map(), written: false };
      this.files.set(path, file);
    }
    return file;
  }

  private names(file: ModelFile, group: boolean) {
    const cluster = this.files.get(CLUSTER_FILE)?.conf;
    const local =
      group || file.ref.kind === 'host' || file.ref.kind === 'vnet' ? undefined : file.conf;
    return namesFromConfs(cluster, local, this.sdn);
  }

  /** Applies one call as the API handler would, then reads the file back as Proxmox would. */
  apply(path: string, ref: FwFileRef, action: Action): void {
    const file = this.fileFor(path, ref);
    this.digests.clear();
    // Other files resolve aliases against cluster.fw: note its aliases before the call.
    const aliasesBefore =
      ref.kind === 'cluster' ? JSON.stringify(file.conf.aliases ?? {}) : undefined;
    const list = 'in' in action ? this.listOf(file, action.in) : undefined;
    if ('in' in action) applyToRules(list!, action, (rule) => this.wrap(rule));
    else {
      applyToConf(file.conf, file.ref.kind, action, this.now);
      if (action.type === 'group-create')
        file.groups.set(action.name, file.groups.get(action.name) ?? []);
      if (action.type === 'group-delete') file.groups.delete(action.name);
    }
    this.readBack(path, file, action);
    if (aliasesBefore !== undefined) {
      this.clusterConfig = undefined;
      if (JSON.stringify(file.conf.aliases ?? {}) !== aliasesBefore) this.reverifyOthers();
    }
  }

  private listOf(file: ModelFile, name: RuleListName): ModelRule[] {
    if (name.list === 'rules') return file.rules;
    const list = file.groups.get(name.name);
    if (!list) throw new PredictionError(`no such security group '${name.name}'`);
    return list;
  }

  private readBack(path: string, file: ModelFile, action: Action): void {
    const elementwise =
      file.written &&
      [
        'rule-create',
        'rule-update',
        'rule-move',
        'rule-delete',
        'entry-add',
        'entry-update',
        'entry-delete',
      ].includes(action.type);
    if (!elementwise) {
      this.reloadWhole(path, file);
      file.written = true;
      return;
    }
    if (action.type === 'rule-create' || action.type === 'rule-update') {
      const list = this.listOf(file, action.in);
      const item = list[action.type === 'rule-create' ? 0 : action.pos];
      if (!item) throw new PredictionError('Proxmox would not find the rule it has just written');
      const group = action.in.list === 'group';
      const env = group ? 'group' : ruleEnvOf(file.ref);
      const canonical = canonicalRule(item.rule, env, this.names(file, group));
      if (!canonical) throw new PredictionError('Proxmox would drop the rule it has just written');
      item.rule = canonical;
    } else if (action.type === 'entry-add' || action.type === 'entry-update') {
      const entries = file.conf.ipset?.[action.set] ?? [];
      const index = entries.findIndex((e) => e.cidr === action.entry.cidr);
      const [entry] = entries.splice(index, 1);
      if (!entry) throw new PredictionError('Proxmox would not find the entry it has just written');
      insertSorted(entries, canonicalEntry(entry));
    }
  }

  /** Writes the whole file and reads it back; rules keep their tags by position. */
  private reloadWhole(path: string, file: ModelFile): void {
    const before = this.conf(path);
    const cluster = file.ref.kind === 'cluster' ? undefined : this.clusterFw();
    const text = formatProxmoxConf(file.ref.kind, before);
    const after = loadFileConf(file.ref, text, cluster, this.sdn ? { sdnIpSets: this.sdn } : {});
    const { rules = [], groups = {}, ...rest } = after;
    file.conf = rest;
    file.rules = this.retag(file.rules, rules);
    const newGroups = new Map<string, ModelRule[]>();
    for (const [name, list] of Object.entries(groups))
      newGroups.set(name, this.retag(file.groups.get(name) ?? [], list));
    file.groups = newGroups;
  }

  private retag(old: readonly ModelRule[], rules: readonly ProxmoxRule[]): ModelRule[] {
    if (old.length !== rules.length)
      throw new PredictionError('Proxmox would drop rules when it rewrites the file');
    return rules.map((rule, i) => ({ rule, tag: old[i]!.tag }));
  }

  private clusterFw(): FwConfig | undefined {
    this.clusterConfig ??= clusterConfigOf(this.files.get(CLUSTER_FILE)?.conf);
    return this.clusterConfig;
  }

  /**
   * The cluster's aliases changed: every other file's rules are read again by Proxmox with the
   * new aliases, which may change their ipversion (part of the digest) without a write.
   */
  private reverifyOthers(): void {
    for (const file of this.files.values()) {
      if (file.ref.kind === 'cluster') continue;
      const names = this.names(file, false);
      const env = ruleEnvOf(file.ref);
      for (const item of file.rules) {
        const again = reverifiedRule(item.rule, env, names);
        if (!again) throw new PredictionError('a rule would be dropped after the alias change');
        item.rule = again;
      }
    }
  }
}
