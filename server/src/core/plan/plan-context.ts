// What the planning steps share: the predicted cluster, and the list of calls being built.
import type { ProxmoxRule } from '../model';
import type { FwFileRef } from './fw-files';
import type { ListName } from './lists';
import { listKey } from './lists';
import type { Action, Operation, Phase } from './operations';
import { digestChecked, requestFor } from './requests';
import type { RemoteModel } from './remote-model';

export interface PlanProblem {
  /** Workspace path of the file. */
  readonly file: string;
  readonly message: string;
}

export class PlanContext {
  readonly operations: Operation[] = [];
  readonly problems: PlanProblem[] = [];
  readonly warnings: string[] = [];

  constructor(readonly model: RemoteModel) {}

  /** Records one call and applies it to the model, chaining the predicted digests. */
  emit(path: string, ref: FwFileRef, action: Action, phase: Phase, summary: string): void {
    const name = listOfAction(action);
    const digestBefore = this.model.digest(path, name);
    const request = requestFor(ref, action, digestBefore);
    this.model.apply(path, ref, action);
    this.operations.push({
      file: path,
      ref,
      action,
      phase,
      request,
      list: listKey(path, name),
      digestChecked: digestChecked(action),
      digestBefore,
      digestAfter: this.model.digest(path, name),
      summary,
    });
  }

  problem(file: string, message: string): void {
    this.problems.push({ file, message });
  }
}

export function listOfAction(action: Action): ListName {
  switch (action.type) {
    case 'rule-create':
    case 'rule-move':
    case 'rule-update':
    case 'rule-delete':
      return action.in;
    case 'entry-add':
    case 'entry-update':
    case 'entry-delete':
      return { list: 'ipset', name: action.set };
    case 'ipset-create':
    case 'ipset-comment':
    case 'ipset-delete':
      return { list: 'ipsets' };
    case 'group-create':
    case 'group-comment':
    case 'group-delete':
      return { list: 'groups' };
    case 'alias-create':
    case 'alias-update':
    case 'alias-delete':
      return { list: 'aliases' };
    case 'options-set':
      return { list: 'options' };
  }
}

/** A rule in one line, as the file would show it (for summaries). */
export function ruleText(rule: ProxmoxRule): string {
  const head = `${rule.enable ? '' : '|'}${rule.type.toUpperCase()} ${rule.macro ? `${rule.macro}(${rule.action})` : rule.action}`;
  const fields: [keyof ProxmoxRule, string][] = [
    ['iface', '-i'],
    ['source', '-source'],
    ['dest', '-dest'],
    ['proto', '-p'],
    ['dport', '-dport'],
    ['sport', '-sport'],
    ['log', '-log'],
    ['icmp-type', '-icmp-type'],
  ];
  let text = head;
  for (const [key, flag] of fields)
    if (rule[key] !== undefined) text += ` ${flag} ${rule[key] as string | number}`;
  if (rule.comment) text += ` # ${rule.comment}`;
  return text;
}
