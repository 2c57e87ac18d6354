// Aliases, ipsets (entry by entry, never a whole-set replace) and security groups of one file,
// created or changed before any rule refers to them. Something the API would refuse becomes a
// plan problem only when the push would have to send it.
import type { ProxmoxAlias, ProxmoxConf, ProxmoxIpSetEntry } from '../model';
import { NAME_PATTERN } from '../syntax';
import { perlTrue } from '../syntax';
import { perlSorted, perlSortedEntries } from '../writer';
import type { FwFileRef } from './fw-files';
import type { Action, Phase } from './operations';
import type { PlanContext } from './plan-context';
import { apiAcceptsAddress } from './target';

export type Emit = (action: Action, phase: Phase, summary: string) => void;

export function emitter(ctx: PlanContext, path: string, ref: FwFileRef): Emit {
  return (action, phase, summary) => ctx.emit(path, ref, action, phase, `${path}: ${summary}`);
}

/** The comment the writer shows: Perl-false ones are not written. */
export function shownComment(comment: string | undefined): string {
  return perlTrue(comment) ? comment : '';
}

export function entryText(entry: ProxmoxIpSetEntry): string {
  const comment = entry.comment ? ` # ${entry.comment}` : '';
  return `${entry.nomatch ? '!' : ''}${entry.cidr ?? ''}${comment}`;
}

function prepareAliases(ctx: PlanContext, path: string, emit: Emit, target: ProxmoxConf): void {
  for (const [key, alias] of Object.entries(target.aliases ?? {})) {
    const have: ProxmoxAlias | undefined = ctx.model.conf(path).aliases?.[key];
    const same =
      have !== undefined &&
      have.name === alias.name &&
      have.cidr === alias.cidr &&
      shownComment(have.comment) === shownComment(alias.comment);
    if (same) continue;
    const name = alias.name ?? '';
    const valid = NAME_PATTERN.test(name) && name.length <= 64;
    if (!valid || !alias.cidr || !apiAcceptsAddress(alias.cidr)) {
      ctx.problem(path, `alias '${name}' ${alias.cidr ?? ''} cannot be created through the API`);
    } else if (!have) {
      emit({ type: 'alias-create', alias }, 'prepare', `create alias ${name} ${alias.cidr}`);
    } else {
      emit({ type: 'alias-update', alias }, 'prepare', `update alias ${name} ${alias.cidr}`);
    }
  }
}

function prepareSet(
  ctx: PlanContext,
  path: string,
  emit: Emit,
  target: ProxmoxConf,
  name: string,
  entries: readonly ProxmoxIpSetEntry[],
): void {
  const comment = target.ipset_comments?.[name];
  const current = (): ProxmoxConf => ctx.model.conf(path);
  if (!current().ipset?.[name]) {
    const withComment = comment !== undefined ? { comment } : {};
    emit({ type: 'ipset-create', name, ...withComment }, 'prepare', `create ipset ${name}`);
  } else if (shownComment(current().ipset_comments?.[name]) !== shownComment(comment)) {
    const action = { type: 'ipset-comment', name, comment: comment ?? '' } as const;
    emit(action, 'prepare', `set the comment of ipset ${name}`);
  }
  const have = new Map((current().ipset?.[name] ?? []).map((e) => [e.cidr, e]));
  for (const { errors, ...entry } of entries) {
    const old = have.get(entry.cidr);
    if (!old) {
      const error = errors?.['cidr'] ?? (entry.cidr === null ? 'not an address' : undefined);
      if (error !== undefined) {
        const shown = entry.cidr ?? '';
        ctx.problem(path, `ipset ${name}: entry '${shown}' cannot be pushed: ${error.trim()}`);
      } else {
        emit(
          { type: 'entry-add', set: name, entry },
          'prepare',
          `add ${entryText(entry)} to ipset ${name}`,
        );
      }
    } else if (
      Boolean(old.nomatch) !== Boolean(entry.nomatch) ||
      shownComment(old.comment) !== shownComment(entry.comment)
    ) {
      const summary = `update ${entryText(entry)} in ipset ${name}`;
      emit({ type: 'entry-update', set: name, entry }, 'prepare', summary);
    }
  }
}

function prepareGroups(ctx: PlanContext, path: string, emit: Emit, target: ProxmoxConf): void {
  for (const name of perlSorted(Object.keys(target.groups ?? {}))) {
    const comment = target.group_comments?.[name];
    const current = ctx.model.conf(path);
    if (!current.groups?.[name]) {
      const withComment = comment !== undefined ? { comment } : {};
      emit(
        { type: 'group-create', name, ...withComment },
        'prepare',
        `create security group ${name}`,
      );
    } else if (shownComment(comment) !== shownComment(current.group_comments?.[name])) {
      const action = { type: 'group-comment', name, comment: comment ?? '' } as const;
      emit(action, 'prepare', `set the comment of security group ${name}`);
    }
  }
}

/** New and changed aliases, ipsets, entries and groups, before any rule refers to them. */
export function prepareObjects(
  ctx: PlanContext,
  path: string,
  ref: FwFileRef,
  target: ProxmoxConf,
): void {
  const emit = emitter(ctx, path, ref);
  prepareAliases(ctx, path, emit, target);
  for (const [name, entries] of perlSortedEntries(target.ipset ?? {})) {
    prepareSet(ctx, path, emit, target, name, entries);
  }
  if (ref.kind === 'cluster') prepareGroups(ctx, path, emit, target);
}
