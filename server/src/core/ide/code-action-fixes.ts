// One quick fix per finding code where the remedy is plain from what Proxmox said. Each fix
// only proposes edits; code-actions.ts re-checks the edited file before offering it.
import type { Finding } from '../findings';
import { groupOption } from '../checks';
import { referenceRemedy } from '../checks';
import { ACCEPTED_PROTOCOL_NUMBERS, PROTOCOLS } from '../facts';
import { LOG_LEVELS } from '../facts';
import { asciiLower, perlSplitComma } from '../syntax';
import { blanksEnd, trimBlanksEnd } from '../text';
import type { FwLine } from '../syntax';
import type { TextEdit } from './format';
import { kernelEntry, networkText } from './ipset-preview';
import type { NameRef } from '../model';
import type { FileEdit } from './rename';
import { resolveRef, sameTarget } from './resolve';
import { lineWithBreak } from './text-edits';
import { clusterOf, filesSeeing, type IdeFile, type WorkspaceModel } from './workspace-model';

export interface FixContext {
  readonly ws: WorkspaceModel;
  readonly file: IdeFile;
  readonly text: string;
  lineAt(offset: number): FwLine;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** Edits in other files of the workspace (a name written in several files). */
  readonly elsewhere?: readonly FileEdit[];
  readonly preferred?: boolean;
  /** False where our checks cannot judge the result (reachability, line ends). */
  readonly verify?: boolean;
}

export type FixProvider = (ctx: FixContext, finding: Finding) => Fix[];

const KNOWN_PROTOCOLS = new Set([
  ...PROTOCOLS.map((p) => p.name),
  'icmpv6',
  ...ACCEPTED_PROTOCOL_NUMBERS.map(String),
]);
const FLAG_BLANKS =
  /(^|[ \t])(-i|-p|--?proto|--?dport|--?sport|--?source|--?dest|--?log|--?icmp-type)(\t[ \t]*| [ \t]+)(?=[^ \t])/g;

function replace(finding: Finding, newText: string): TextEdit[] {
  return [{ span: finding.span, newText }];
}

function written(ctx: FixContext, finding: Finding): string {
  return ctx.text.slice(finding.span.start, finding.span.end);
}

const hostBits: FixProvider = (ctx, finding) => {
  if (!finding.message.startsWith('invalid IP address: Invalid prefix')) return [];
  const items = perlSplitComma(written(ctx, finding));
  const networks = items.map((item) => {
    const entry = item.includes('/') ? kernelEntry(item, false) : undefined;
    return entry && typeof entry !== 'string' ? networkText(entry) : item;
  });
  const fixes: Fix[] = [
    {
      title: `Use the network address: ${networks.join(',')}`,
      edits: replace(finding, networks.join(',')),
      preferred: true,
    },
  ];
  const [single] = items;
  if (items.length === 1 && single?.includes('/')) {
    const address = single.replace(/\/.*/, '');
    fixes.push({ title: `Use the single address ${address}`, edits: replace(finding, address) });
  }
  return fixes;
};

/**
 * An ipset or group name written in mixed case, in its header or a reference: pve-firewall
 * lower-cases the header and looks references up as written, proxmox-firewall keeps both as
 * written. Only the name in lower case everywhere finds the same definition on both backends:
 * the fix writes the header and every reference to it in lower case, across the workspace.
 */
export function lowerCaseEverywhere(
  ctx: FixContext,
  ref: NameRef,
): { title: string; here: TextEdit[]; elsewhere: FileEdit[] } | undefined {
  const lower = asciiLower(ref.written);
  const resolved = resolveRef(ctx.ws, ctx.file, { ...ref, key: lower });
  if (!resolved) return undefined;
  const { target } = resolved;
  const edits: FileEdit[] = [];
  const write = (file: IdeFile, span: { start: number; end: number }): void => {
    if (file.parsed.text.slice(span.start, span.end) !== lower)
      edits.push({ fileId: file.id, span, newText: lower });
  };
  for (const def of target.defs) write(target.file, def.span);
  for (const file of filesSeeing(ctx.ws, target.file))
    for (const other of file.parsed.names.refs) {
      if (other.kind !== target.kind || asciiLower(other.key) !== target.key) continue;
      const means = resolveRef(ctx.ws, file, { ...other, key: target.key });
      if (means && sameTarget(means.target, target)) write(file, other.span);
    }
  if (edits.length === 0) return undefined;
  const header = target.kind === 'ipset' ? `[IPSET ${lower}]` : `[group ${lower}]`;
  return {
    title: `Write '${lower}' in ${header} and every reference (pve-firewall and proxmox-firewall then both find the ${target.kind === 'ipset' ? 'ipset' : 'group'})`,
    here: edits.filter((e) => e.fileId === ctx.file.id),
    elsewhere: edits.filter((e) => e.fileId !== ctx.file.id),
  };
}

/** The ipset or group reference on the finding's line, if it names one by case only. */
function caseRef(ctx: FixContext, finding: Finding, kind: 'ipset' | 'group'): NameRef | undefined {
  const line = ctx.lineAt(finding.span.start);
  return ctx.file.parsed.names.refs.find(
    (r) =>
      r.kind === kind &&
      r.line === line &&
      (kind === 'group' || (r.span.start >= finding.span.start && r.span.end <= finding.span.end)),
  );
}

const nameCase =
  (kind: 'ipset' | 'group'): FixProvider =>
  (ctx, finding) => {
    const ref = caseRef(ctx, finding, kind);
    if (!ref) return [];
    const fix = lowerCaseEverywhere(ctx, ref);
    if (!fix) return [];
    return [
      {
        title: fix.title,
        edits: fix.here,
        elsewhere: fix.elsewhere,
        preferred: true,
        // Both backends' verdicts change, in several files: the file's own checks cannot judge.
        verify: false,
      },
    ];
  };

const ipsetCase = nameCase('ipset');
const groupCase = nameCase('group');

const actionCase: FixProvider = (ctx, finding) => {
  const match = /^(?:([^(]+)\()?(accept|drop|reject)(\))?$/i.exec(written(ctx, finding));
  if (!match || (match[1] === undefined) !== (match[3] === undefined)) return [];
  const action = match[2]!.toUpperCase();
  const newText = match[1] === undefined ? action : `${match[1]}(${action})`;
  return [
    {
      title: `Write ${newText} (actions are case-sensitive)`,
      edits: replace(finding, newText),
      preferred: true,
    },
  ];
};

const ruleParameters: FixProvider = (ctx, finding) => {
  const line = ctx.lineAt(finding.span.start);
  if (line.kind !== 'rule') return [];
  const { start } = line.line;
  const hash = line.line.content.indexOf('#');
  const body = hash === -1 ? line.line.content : line.line.content.slice(0, hash);
  const spaced = body.replace(FLAG_BLANKS, '$1$2 ');
  if (spaced !== body)
    return [
      {
        title: 'Use exactly one space between each option and its value',
        edits: [{ span: { start, end: start + body.length }, newText: spaced }],
        preferred: true,
      },
    ];
  const log = /(^|[ \t])(--?log) ([A-Za-z]+)(?=[ \t]|$)/.exec(body);
  const level = log && asciiLower(log[3]!);
  if (!log || !level || level === log[3] || !LOG_LEVELS.includes(level)) return [];
  const at = start + log.index + log[1]!.length + log[2]!.length + 1;
  return [
    {
      title: `Write ${log[2]} ${level} (log levels are lower case)`,
      edits: [{ span: { start: at, end: at + log[3]!.length }, newText: level }],
      preferred: true,
    },
  ];
};

const blankAfterBar: FixProvider = (ctx, finding) => {
  const line = ctx.lineAt(finding.span.start);
  const blanks = /^\|([ \t]+)/.exec(line.line.content);
  if (!blanks) return [];
  const at = line.line.start + 1;
  return [
    {
      title: "Remove the blank after '|'",
      edits: [{ span: { start: at, end: at + blanks[1]!.length }, newText: '' }],
      preferred: true,
    },
  ];
};

const protocolCase: FixProvider = (ctx, finding) => {
  const lower = asciiLower(written(ctx, finding));
  if (lower === written(ctx, finding) || !KNOWN_PROTOCOLS.has(lower)) return [];
  return [
    {
      title: `Write ${lower} (protocol names are lower case)`,
      edits: replace(finding, lower),
      preferred: true,
    },
  ];
};

const backwardsRange: FixProvider = (ctx, finding) => {
  const match = /^backwards range '([0-9]+):([0-9]+)'/.exec(finding.message);
  if (!match) return [];
  const items = written(ctx, finding).split(',');
  const swapped = items
    .map((item) => (item === `${match[1]}:${match[2]}` ? `${match[2]}:${match[1]}` : item))
    .join(',');
  return [
    { title: `Write ${match[2]}:${match[1]}`, edits: replace(finding, swapped), preferred: true },
  ];
};

const optionComment: FixProvider = (ctx, finding) => {
  const line = ctx.lineAt(finding.span.start);
  const { content, start } = line.line;
  const hash = content.indexOf('#');
  if (hash <= 0) return [];
  const body = content.slice(0, blanksEnd(content, hash));
  const newText = `${content.slice(hash).replace(/^#[ \t]*/, '# ')}\n${body}`;
  return [
    {
      title: 'Move the comment to a line of its own',
      edits: [{ span: { start, end: start + content.length }, newText }],
      preferred: true,
    },
  ];
};

const deleteLine =
  (title: string): FixProvider =>
  (ctx, finding) => [
    {
      title,
      edits: [{ span: lineWithBreak(ctx.text, ctx.lineAt(finding.span.start)), newText: '' }],
      preferred: true,
    },
  ];

const duplicateOption: FixProvider = (ctx, finding) => {
  const earlier = finding.related[0];
  if (!earlier || earlier.path !== undefined) return [];
  const line = ctx.lineAt(earlier.span.start);
  return [
    {
      title: `Remove the earlier, overridden '${line.line.content}'`,
      edits: [{ span: lineWithBreak(ctx.text, line), newText: '' }],
    },
  ];
};

const repeatedOption: FixProvider = (ctx, finding) => {
  const blanks = /^[ \t]*/.exec(ctx.text.slice(finding.span.end))![0].length;
  return [
    {
      title: `Remove the overridden '${written(ctx, finding)}'`,
      edits: [{ span: { start: finding.span.start, end: finding.span.end + blanks }, newText: '' }],
    },
  ];
};

/**
 * The reference as the files say it was meant: an ipset written without '+', an alias with
 * one, a dc/ or guest/ scope that points at the other file (see reference-remedy.ts).
 */
const referenceRemedyFix: FixProvider = (ctx, finding) => {
  const named = /^no such (ipset|alias) '(.*)'/.exec(finding.message);
  if (!named) return [];
  const kind = named[1] as 'ipset' | 'alias';
  const line = ctx.lineAt(finding.span.start);
  const cluster = ctx.file.kind === 'cluster' ? ctx.file : clusterOf(ctx.ws, ctx.file);
  const scopes = {
    own:
      ctx.file.kind === 'cluster' || ctx.file.kind === 'guest' ? ctx.file.load.config : undefined,
    cluster: cluster?.load.config,
  };
  for (const ref of ctx.file.parsed.names.refs) {
    if (ref.line !== line || ref.kind !== kind || ref.written !== named[2]!.replace(/^.*\//, ''))
      continue;
    const start = ref.span.start - ref.scope.length - (kind === 'ipset' ? 1 : 0);
    const remedy = referenceRemedy(kind, ctx.text.slice(start, ref.span.end), scopes);
    if (!remedy) continue;
    return [
      {
        title: `Write '${remedy.write}'`,
        edits: [{ span: { start, end: ref.span.end }, newText: remedy.write }],
        preferred: true,
        // A scope is resolved when Proxmox compiles, which the file's own checks do not see.
        verify: finding.code !== 'skipped-by-proxmox',
      },
    ];
  }
  return [];
};

/** `IN LOG …`: Proxmox has no LOG action; log on a rule that decides instead. */
const logAction: FixProvider = (ctx, finding) => {
  if (!/^log$/i.test(written(ctx, finding))) return [];
  const line = ctx.lineAt(finding.span.start);
  if (line.kind !== 'rule') return [];
  const { content, start } = line.line;
  const hash = content.indexOf('#');
  const body = trimBlanksEnd(hash === -1 ? content : content.slice(0, hash));
  const logs = /(^|[ \t])--?log[ \t]/.test(body);
  return ['DROP', 'ACCEPT', 'REJECT'].map((action) => ({
    title: `Write ${action}${logs ? '' : ' -log info'} (Proxmox has no LOG action; the rule logs what it decides)`,
    edits: [
      { span: finding.span, newText: action },
      ...(logs
        ? []
        : [
            {
              span: { start: start + body.length, end: start + body.length },
              newText: ' -log info',
            },
          ]),
    ],
  }));
};

/** `firewall_group: web` in [OPTIONS]: the rule `GROUP web` in [RULES] is what applies a group. */
const groupAsOption: FixProvider = (ctx, finding) => {
  const line = ctx.lineAt(finding.span.start);
  const group = groupOption(line.line.content);
  if (group === undefined || ctx.file.kind === 'cluster') return [];
  const remove = { span: lineWithBreak(ctx.text, line), newText: '' };
  const add = firstRuleEdit(ctx, `\nGROUP ${group}`);
  return [
    {
      title: `Apply the group with 'GROUP ${group}' in [RULES] (a group is not an option)`,
      edits: [remove, add].sort((a, b) => a.span.start - b.span.start),
      preferred: true,
    },
  ];
};

/** Where a new first rule of [RULES] goes: after the header, else in a new section at the end. */
function firstRuleEdit(ctx: FixContext, rule: string): TextEdit {
  const rules = ctx.file.parsed.tree.lines.find(
    (l) => l.kind === 'header' && l.section === 'rules',
  );
  if (rules)
    return { span: { start: rules.line.full.end, end: rules.line.full.end }, newText: `\n${rule}` };
  const end = ctx.text.length;
  return {
    span: { start: end, end },
    newText: `${ctx.text.endsWith('\n') ? '' : '\n'}\n[RULES]\n${rule}\n`,
  };
}

/** A lock-out of this machine: accept it on 8006 and 22 before what drops it. */
const acceptManagedFrom: FixProvider = (ctx, finding) => {
  const from = /^this locks (\S+) /.exec(finding.message)?.[1];
  if (!from) return [];
  const rule = `IN ACCEPT -source ${from} -p tcp -dport 8006,22`;
  const line = ctx.lineAt(finding.span.start);
  const edit =
    line.kind === 'rule'
      ? { span: { start: line.line.full.start, end: line.line.full.start }, newText: `${rule}\n` }
      : firstRuleEdit(ctx, rule);
  return [
    {
      title: `Accept ${from} on tcp 8006 and 22 first ('${rule}')`,
      edits: [edit],
      preferred: true,
      // The lock-out is found by compiling the cluster, which the file's own checks do not do.
      verify: false,
    },
  ];
};

/** policy_out DROP with nothing for the nodes' own needs: let DNS, NTP and updates out. */
const allowOutbound: FixProvider = (ctx) => [
  {
    title: 'Let the nodes reach DNS, NTP and package updates (OUT rules first in [RULES])',
    edits: [
      firstRuleEdit(ctx, 'OUT DNS(ACCEPT)\nOUT NTP(ACCEPT)\nOUT ACCEPT -p tcp -dport 80,443'),
    ],
    // Decided by compiling the cluster, which the file's own checks do not do.
    verify: false,
  },
];

/** An ipset, alias or group nothing refers to: delete it (a section with its lines). */
const deleteUnused: FixProvider = (ctx, finding) => {
  const line = ctx.lineAt(finding.span.start);
  const what = /^(ipset|alias|security group) '([^']+)'/.exec(finding.message);
  if (!what) return [];
  if (line.kind === 'alias')
    return [
      {
        title: `Delete the unused alias ${what[2]}`,
        edits: [{ span: lineWithBreak(ctx.text, line), newText: '' }],
        verify: false,
      },
    ];
  if (line.kind !== 'header') return [];
  const lines = ctx.file.parsed.tree.lines;
  const at = lines.indexOf(line);
  const next = lines.slice(at + 1).find((l) => l.kind === 'header');
  const end = next ? next.line.full.start : ctx.text.length;
  return [
    {
      title: `Delete the unused ${what[1]} ${what[2]} and its lines`,
      edits: [{ span: { start: line.line.full.start, end }, newText: '' }],
      verify: false,
    },
  ];
};

export const FIXES: Readonly<Record<string, readonly FixProvider[]>> = {
  'invalid-address': [hostBits],
  'undefined-ipset': [ipsetCase, referenceRemedyFix],
  'nftables-differs': [ipsetCase, groupCase],
  'nftables-skips': [ipsetCase],
  'nftables-update-error': [groupCase],
  'undefined-alias': [referenceRemedyFix],
  'skipped-by-proxmox': [referenceRemedyFix],
  'invalid-action': [actionCase, logAction],
  'unparsable-rule-parameters': [ruleParameters],
  'unparsable-rule': [blankAfterBar],
  'unknown-protocol': [protocolCase],
  'invalid-port': [backwardsRange],
  'invalid-option': [optionComment, groupAsOption],
  'management-lockout': [acceptManagedFrom],
  'outbound-blocked': [allowOutbound],
  'unused-definition': [deleteUnused],
  'duplicate-ipset-entry': [deleteLine('Remove the duplicate entry')],
  'duplicate-option': [duplicateOption],
  'repeated-rule-option': [repeatedOption],
};
