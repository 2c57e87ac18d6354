// One rule list (a file's [RULES] or one security group) from what the cluster has to what the
// workspace says. Rules are identified by content, not position: equal rules are kept and at
// most moved; new ones are created disabled (the API puts them at position 0), moved into place
// and only then enabled; rules that go away are removed last, denials before allowances.
import type { ProxmoxRule } from '../model';
import { RULE_API_FIELDS } from './rule-fields';
import type { RuleEnv } from '../model';
import { canonicalRule } from './canonical';
import type { FwFileRef } from './fw-files';
import type { RuleListName } from './operations';
import { ruleText, type PlanContext } from './plan-context';
import type { ModelRule } from './remote-model';
import { matchRules } from './rule-matching';

/** A call that takes a rule's effect away: denials go first, allowances (and groups) last. */
function isDenial(rule: ProxmoxRule): boolean {
  return rule.action === 'DROP' || rule.action === 'REJECT';
}

export class RuleListPlan {
  /** Target index → tag of the model rule that becomes it. */
  private readonly tags: (number | undefined)[];
  private readonly doomed: number[] = [];
  private readonly disables: number[] = [];
  private readonly canonical = new Map<number, ProxmoxRule | undefined>();

  constructor(
    private readonly ctx: PlanContext,
    private readonly path: string,
    private readonly ref: FwFileRef,
    private readonly list: RuleListName,
    private readonly env: RuleEnv,
    private readonly target: readonly ProxmoxRule[],
    private readonly names: Parameters<typeof canonicalRule>[2],
    /** Whether the list takes effect now (see liveness.ts); decided when additions start. */
    private readonly inEffect: () => boolean,
  ) {
    this.tags = new Array<number | undefined>(target.length).fill(undefined);
  }

  private current(): readonly ModelRule[] {
    return this.ctx.model.rules(this.path, this.list);
  }

  private canon(item: ModelRule): ProxmoxRule | undefined {
    if (!this.canonical.has(item.tag))
      this.canonical.set(item.tag, canonicalRule(item.rule, this.env, this.names));
    return this.canonical.get(item.tag);
  }

  private indexOf(tag: number): number {
    return this.current().findIndex((r) => r.tag === tag);
  }

  /** The rule at `pos` in the list as the calls so far leave it; the plan only asks for ones it has. */
  private at(pos: number): ModelRule {
    const item = this.current()[pos];
    if (item === undefined) throw new Error(`${this.where()}: no rule at position ${pos}`);
    return item;
  }

  private where(): string {
    return this.list.list === 'rules' ? this.path : `${this.path} [group ${this.list.name}]`;
  }

  /** Matching, creation (disabled), moves, then enabling and in-place updates. */
  addAndArrange(): void {
    const { matchOf, anchors, unmatched } = matchRules(
      this.current().map((item) => this.canon(item)),
      this.target,
    );
    matchOf.forEach((i, j) => {
      if (i !== undefined) this.tags[j] = this.at(i).tag;
    });
    for (const i of unmatched) this.doomed.push(this.at(i).tag);
    this.create(this.inEffect());
    this.arrange(anchors);
    this.enableAndUpdate();
  }

  /** New rules, last first, so that they end up at the top in order; disabled if the list is live. */
  private create(live: boolean): void {
    for (const [j, rule] of [...this.target.entries()].reverse()) {
      if (this.tags[j] !== undefined) continue;
      if (!this.pushable(rule)) continue;
      const created = live ? { ...rule, enable: 0 as const } : rule;
      const how = live && rule.enable ? 'create disabled' : 'create';
      this.ctx.emit(
        this.path,
        this.ref,
        { type: 'rule-create', in: this.list, rule: created },
        'rules',
        `${this.where()}: ${how} at position 0: ${ruleText(created)}`,
      );
      this.tags[j] = this.at(0).tag;
    }
  }

  private arrange(anchors: ReadonlySet<number>): void {
    let previous: number | undefined;
    for (let j = 0; j < this.target.length; j++) {
      const tag = this.tags[j];
      if (tag === undefined) continue;
      if (!anchors.has(j)) {
        const pos = this.indexOf(tag);
        const moveto = previous === undefined ? 0 : this.indexOf(previous) + 1;
        if (pos !== moveto && pos + 1 !== moveto) {
          this.ctx.emit(
            this.path,
            this.ref,
            { type: 'rule-move', in: this.list, pos, moveto },
            'rules',
            `${this.where()}: move rule ${pos} before position ${moveto}: ${ruleText(this.at(pos).rule)}`,
          );
        }
      }
      previous = tag;
    }
  }

  private diff(
    from: ProxmoxRule | undefined,
    to: ProxmoxRule,
  ): { set: Record<string, string | number>; delete: string[] } {
    const set: Record<string, string | number> = {};
    const del: string[] = [];
    for (const field of RULE_API_FIELDS) {
      const a = from?.[field];
      const b = to[field];
      if (b === undefined) {
        if (a !== undefined) del.push(field);
      } else if (a === undefined || String(a) !== String(b)) set[field] = b;
    }
    return { set, delete: del };
  }

  private enableAndUpdate(): void {
    this.target.forEach((rule, j) => {
      const tag = this.tags[j];
      if (tag === undefined) return;
      const item = this.at(this.indexOf(tag));
      const change = this.diff(this.canon(item), rule);
      if (Object.keys(change.set).length === 0 && change.delete.length === 0) return;
      if (rule.enable === 0 && this.canon(item)?.enable === 1) {
        this.disables.push(tag);
        return;
      }
      this.update(tag, rule, change, 'rules');
    });
  }

  private update(
    tag: number,
    rule: ProxmoxRule,
    change: ReturnType<RuleListPlan['diff']>,
    phase: 'rules' | 'remove',
  ): void {
    if (!this.pushable(rule)) return;
    const pos = this.indexOf(tag);
    const what =
      Object.keys(change.set).length === 1 && change.set['enable'] === 1 ? 'enable' : 'update';
    this.ctx.emit(
      this.path,
      this.ref,
      { type: 'rule-update', in: this.list, pos, set: change.set, delete: change.delete },
      phase,
      `${this.where()}: ${what} rule ${pos}: ${ruleText(rule)}`,
    );
  }

  private pushable(rule: ProxmoxRule): boolean {
    if (!rule.errors) return true;
    const [field, message] = Object.entries(rule.errors)[0]!;
    this.ctx.problem(
      this.path,
      `Proxmox refuses the rule '${ruleText(rule)}' (${field}: ${message}); fix it before pushing`,
    );
    return false;
  }

  /** Removals and disables, denials first so that nothing closes before it has to. */
  removeAndDisable(): void {
    const byTag = new Map(this.target.map((rule, j) => [this.tags[j], rule] as const));
    const work = [
      ...this.doomed.map((tag) => ({ tag, remove: true })),
      ...this.disables.map((tag) => ({ tag, remove: false })),
    ];
    const ruleOf = (tag: number): ProxmoxRule => this.at(this.indexOf(tag)).rule;
    const ordered = [
      ...work.filter((w) => isDenial(ruleOf(w.tag))),
      ...work.filter((w) => !isDenial(ruleOf(w.tag))),
    ];
    for (const { tag, remove } of ordered) {
      const pos = this.indexOf(tag);
      if (remove) {
        this.ctx.emit(
          this.path,
          this.ref,
          { type: 'rule-delete', in: this.list, pos },
          'remove',
          `${this.where()}: delete rule ${pos}: ${ruleText(ruleOf(tag))}`,
        );
      } else {
        const rule = byTag.get(tag)!;
        this.update(tag, rule, this.diff(this.canon(this.at(pos)), rule), 'remove');
      }
    }
  }
}
