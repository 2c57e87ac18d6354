// Completion that knows where the cursor is: only what Proxmox would accept at that point of
// the line, for this file kind and section, spelt as Proxmox needs it.
import { findMacro } from '../model';
import { isIcmpProtocol, PROTOCOLS_WITH_PORTS } from '../model';
import type { RuleField, RuleSyntax } from '../syntax';
import type { Span } from '../text';
import { completionContext, type CompletionContext } from './completion-context';
import {
  actionItems,
  directionItems,
  flagItems,
  headerItems,
  icmpTypeItems,
  interfaceItems,
  logLevelItems,
  macroItems,
  optionKeyItems,
  optionValueItems,
  protocolItems,
  serviceItems,
  type CompletionEntry,
} from './completion-items';
import { groupItems, nameItems } from './completion-names';
import type { IdeFile, WorkspaceModel } from './workspace-model';

export type { CompletionEntry, CompletionKind } from './completion-items';

export interface CompletionList {
  /** The text every item replaces. */
  readonly span: Span;
  readonly items: readonly CompletionEntry[];
}

function directions(file: IdeFile, inGroup: boolean): string[] {
  if (inGroup) return ['in', 'out', 'forward'];
  if (file.kind === 'guest') return ['in', 'out', 'group'];
  if (file.kind === 'vnet') return ['forward', 'group'];
  return ['in', 'out', 'forward', 'group'];
}

function presentOptions(file: IdeFile, lineNumber: number): Set<string> {
  const keys = new Set<string>();
  for (const line of file.parsed.tree.lines) {
    if (line.kind === 'option' && line.key && line.line.number !== lineNumber) keys.add(line.key);
  }
  return keys;
}

const MACRO_FIELDS = ['proto', 'dport', 'sport'] as const;

/** Flags this rule can still take: not given yet, allowed here, not fixed by its macro. */
function flagAllowed(
  file: IdeFile,
  rule: RuleSyntax,
  inGroup: boolean,
): (field: string) => boolean {
  const ifaceAllowed = !inGroup && file.kind !== 'vnet';
  if (rule.type === 'group')
    return (field) => field === 'iface' && ifaceAllowed && !rule.options.iface;
  const proto = rule.options.proto?.value.text;
  const macro = rule.macroToken ? findMacro(rule.macroToken.text) : undefined;
  const fixed = new Set<string>(
    MACRO_FIELDS.filter((f) => macro?.rules.some((t) => t[f] !== undefined && t[f] !== 'PARAM')),
  );
  return (field) => {
    if (rule.options[field as RuleField] || fixed.has(field)) return false;
    if (field === 'iface') return ifaceAllowed;
    if (proto === undefined) return true;
    if (field === 'dport' || field === 'sport') return PROTOCOLS_WITH_PORTS.has(proto);
    if (field === 'icmp-type') return isIcmpProtocol(proto);
    return true;
  };
}

function valueItems(
  ws: WorkspaceModel,
  file: IdeFile,
  ctx: CompletionContext,
  field: RuleField,
  rule: RuleSyntax,
): CompletionEntry[] {
  const inGroup = ctx.state.section === 'group';
  const proto = rule.options.proto?.value.text;
  const icmpFamily =
    proto === 'icmp' ? 4 : proto === 'icmpv6' || proto === 'ipv6-icmp' ? 6 : undefined;
  switch (field) {
    case 'iface':
      return file.kind === 'guest' && !inGroup ? interfaceItems() : [];
    case 'proto':
      return protocolItems();
    case 'dport':
      // The legacy "-p icmp -dport TYPE" form; ipv6-icmp with a dport never compiles.
      if (proto === 'ipv6-icmp') return [];
      return isIcmpProtocol(proto) ? icmpTypeItems(icmpFamily) : serviceItems(proto);
    case 'sport':
      return isIcmpProtocol(proto) ? [] : serviceItems(proto);
    case 'icmp-type':
      return icmpTypeItems(icmpFamily);
    case 'log':
      return logLevelItems();
    case 'source':
    case 'dest':
      return nameItems(ws, file, ctx.lineNumber, ['ipset', 'alias'], inGroup);
  }
}

function itemsFor(ws: WorkspaceModel, file: IdeFile, ctx: CompletionContext): CompletionEntry[] {
  const { site, state } = ctx;
  const inGroup = state.section === 'group';
  switch (site.kind) {
    case 'line-start': {
      const headers = site.disabled ? [] : headerItems(file.kind);
      if (ctx.partial.startsWith('[')) return headers;
      switch (state.section) {
        case 'options':
          return [...optionKeyItems(file.kind, presentOptions(file, ctx.lineNumber)), ...headers];
        case 'ipset':
          return [...nameItems(ws, file, ctx.lineNumber, ['alias'], false), ...headers];
        case 'rules':
        case 'group':
          return [...directionItems(directions(file, inGroup)), ...headers];
        default:
          return headers;
      }
    }
    case 'option-value':
      return optionValueItems(file.kind, site.key);
    case 'action':
      if (site.direction === 'group') return inGroup ? [] : groupItems(ws, file);
      if (!directions(file, inGroup).includes(site.direction)) return [];
      return [...actionItems(site.direction), ...macroItems()];
    case 'macro-action':
      return actionItems(site.direction, true);
    case 'flag':
      return flagItems(flagAllowed(file, site.rule, inGroup));
    case 'flag-value':
      return valueItems(ws, file, ctx, site.field, site.rule);
    case 'ipset-entry':
      return nameItems(ws, file, ctx.lineNumber, ['alias'], false);
  }
}

export function completionsAt(
  ws: WorkspaceModel,
  fileId: string,
  offset: number,
): CompletionList | undefined {
  const file = ws.file(fileId);
  if (!file) return undefined;
  const line = file.parsed.lineIndex.positionAt(offset).line;
  const ctx = completionContext(file.parsed.tree, line, offset);
  if (!ctx) return undefined;
  return { span: ctx.span, items: itemsFor(ws, file, ctx) };
}
