// A reachability report's items as findings: what each message says, which lines it relates,
// and the remedy for a rule Proxmox skips.
import type {
  Blocker,
  DeadRule,
  EnablingImpact,
  Lockout,
  Overlap,
  RemovableRule,
} from '../analysis';
import type { RuleOrigin, SkippedRule } from '../compile';
import {
  DIAGNOSTIC_CODES,
  type DiagnosticCode,
  type Finding,
  type RelatedLocation,
} from '../findings';
import { isSdnSetName, modelFiles, type ClusterModel } from '../model';
import { referenceRemedy } from './reference-remedy';

function where(origin: RuleOrigin | undefined, builtin: string | undefined): string {
  // The base name; as split('/').pop(), without building an array per finding.
  if (origin)
    return `${origin.path.slice(origin.path.lastIndexOf('/') + 1)} line ${origin.lineNumber}`;
  return `Proxmox's built-in rule (${builtin ?? 'built-in'})`;
}

/** The rules that take the packets, each named once (a built-in rule sits in every NIC's chain). */
function takerNames(blockers: readonly Blocker[]): string[] {
  return [...new Set(blockers.map((b) => where(b.origin, b.builtin)))];
}

function related(blockers: readonly Blocker[], message: string): RelatedLocation[] {
  return blockers
    .filter((b): b is Blocker & { origin: RuleOrigin } => b.origin !== undefined)
    .map((b) => ({ path: b.origin.path, span: b.origin.span, message }));
}

export function deadFinding(dead: DeadRule): Finding {
  const named = takerNames(dead.blockers);
  const takers = named.join(', ');
  const verb = (v: string): string =>
    ({ ACCEPT: 'accepted', DROP: 'dropped', REJECT: 'rejected' })[v] ?? v;
  const witnessTaker = where(dead.witness.takenBy.origin, dead.witness.takenBy.builtin);
  const witness = `for example ${dead.witness.packet} is ${verb(dead.witness.verdict)} by ${witnessTaker}`;
  if (dead.disabled) {
    return finding(
      'disabled-rule',
      dead.origin,
      `disabled rule; if enabled it could never match: every packet it matches is taken earlier by ${takers} (${witness})`,
      related(dead.blockers, 'takes its packets first'),
    );
  }
  const code = dead.kind === 'shadowed' ? 'shadowed-rule' : 'redundant-rule';
  const what =
    dead.kind === 'shadowed'
      ? `this ${dead.ownVerdict} rule can never match: earlier rules decide all its packets, some differently — ${witness} instead of ${verb(dead.ownVerdict)} here`
      : `this rule can never match and removing it changes nothing: earlier rules already ${dead.ownVerdict === 'ACCEPT' ? 'accept' : dead.ownVerdict === 'DROP' ? 'drop' : 'reject'} all its packets (${witness})`;
  // The example already names the one rule that takes them all.
  const takenBy = named.length === 1 && named[0] === witnessTaker ? '' : `; taken by ${takers}`;
  return finding(
    code,
    dead.origin,
    `${what}${takenBy}`,
    related(dead.blockers, 'takes its packets first'),
  );
}

function finding(
  code: DiagnosticCode,
  origin: RuleOrigin,
  message: string,
  rel: RelatedLocation[] = [],
): Finding {
  return {
    code,
    severity: DIAGNOSTIC_CODES[code].severity,
    message,
    span: origin.span,
    proxmox: null,
    related: rel,
  };
}

export function removableFinding(r: RemovableRule): Finding {
  const verb = { ACCEPT: 'accepted', DROP: 'dropped', REJECT: 'rejected' }[r.ownVerdict];
  const named = takerNames(r.takers);
  const takers = named.join(', ');
  const by =
    named.length > 1 ? ` by ${where(r.witness.takenBy.origin, r.witness.takenBy.builtin)}` : '';
  return finding(
    'redundant-rule',
    r.origin,
    `removing this rule changes nothing: every packet it takes would be ${verb} anyway by ${takers} (for example ${r.witness.packet}${by})`,
    related(r.takers, `would take its packets if it were removed`),
  );
}

/** What was meant by a name the compiler did not find (see reference-remedy.ts). */
export type RemedyLookup = (origin: RuleOrigin, message: string) => string | undefined;

export function skippedFinding(
  s: SkippedRule & { origin: RuleOrigin },
  remedy: RemedyLookup,
): Finding {
  const meant = remedy(s.origin, s.message);
  const scope = s.origin.group
    ? ' Rules in a [group] see only cluster-level ipsets and aliases.'
    : meant
      ? ` ${meant.charAt(0).toUpperCase()}${meant.slice(1)}.`
      : /no such (ipset|alias)/.test(s.message)
        ? ' Scope prefixes (dc/, guest/, sdn/) restrict where Proxmox looks when it compiles.'
        : '';
  return finding(
    'skipped-by-proxmox',
    s.origin,
    `${s.message} (at compile time) — Proxmox accepts this rule but silently never applies it.${scope}`,
  );
}

/** The remedies for compile-time name failures, from the files of the model. */
export function remedies(model: ClusterModel): RemedyLookup {
  const files = new Map(modelFiles(model).map((f) => [f.path, f]));
  const clusterConfig = model.cluster?.load.config;
  return (origin, message) => {
    const named = /^no such (ipset|alias) '(.*)'$/.exec(message);
    const file = files.get(origin.path);
    if (!named || !file) return undefined;
    const config = file.load.config;
    const rules = [...config.rules, ...[...config.groups.values()].flatMap((g) => g.rules)];
    const def = rules.find((r) => r.line.line.number === origin.lineNumber);
    const kind = named[1] as 'ipset' | 'alias';
    for (const option of [def?.line.rule.options.source, def?.line.rule.options.dest]) {
      const text = option?.value.text;
      if (!text || text.replace(/^\+?(dc\/|guest\/|sdn\/)?/, '') !== named[2]) continue;
      const remedy = referenceRemedy(kind, text, {
        own: file.kind === 'cluster' || file.kind === 'guest' ? config : undefined,
        cluster: clusterConfig,
      });
      if (remedy) return remedy.hint;
    }
    return undefined;
  };
}

export function overlapFinding(o: Overlap): Finding {
  const verb =
    o.earlierVerdict === 'ACCEPT' ? 'accepts' : o.earlierVerdict === 'DROP' ? 'drops' : 'rejects';
  const what =
    o.kind === 'generalization'
      ? `this ${o.ownVerdict} rule is more general than ${where(o.earlier, undefined)}, which ${verb} part of its packets first (an exception, if that is what you meant)`
      : `this ${o.ownVerdict} rule partly overlaps ${where(o.earlier, undefined)}, which ${verb} the shared packets first`;
  return finding('rule-overlap', o.origin, `${what} — e.g. ${o.witness}`, [
    { path: o.earlier.path, span: o.earlier.span, message: `${o.earlierVerdict} rule it overlaps` },
  ]);
}

export function lockoutFinding(l: Lockout): Finding {
  const who = l.fromManagement
    ? 'addresses in the management ipset'
    : 'every address, so also from the local network the allowances are for (not known here: no local network in topology.json)';
  return finding(
    'lockout-risk',
    l.origin,
    `this rule ${l.verdict === 'DROP' ? 'drops' : 'rejects'} TCP port ${l.port} (${l.port === 8006 ? 'web UI and API' : 'SSH'}) from ${who} before Proxmox's management allowances apply — e.g. ${l.witness}`,
  );
}

export const PLAIN_DISABLED = 'disabled rule: Proxmox keeps it but never applies it';

const VERBED: Record<string, string> = { ACCEPT: 'accepted', DROP: 'dropped', REJECT: 'rejected' };

/**
 * A disabled rule that packets would reach, and what enabling it would do: the staging trap of
 * the guides (a catch-all DROP created disabled lands first in its chain) said before the '|'
 * goes.
 */
export function disabledFinding(origin: RuleOrigin, impact: EnablingImpact | undefined): Finding {
  if (!impact) return finding('disabled-rule', origin, PLAIN_DISABLED);
  const { change, silenced, own } = impact;
  const effect = change
    ? `enabling it would change verdicts: for example ${change.packet}, ${VERBED[change.now] ?? change.now} now by ${where(change.by.origin, change.by.builtin)}, would be ${VERBED[own] ?? own} here`
    : `enabling it would change no verdict: the rules after it decide its packets the same way`;
  const dead =
    silenced.length > 0
      ? `, and ${silenced.map((o) => where(o, undefined)).join(', ')} could then never match`
      : '';
  return finding(
    'disabled-rule',
    origin,
    `${PLAIN_DISABLED}; ${effect}${dead}`,
    silenced.map((o) => ({
      path: o.path,
      span: o.span,
      message: 'could never match if the disabled rule were enabled',
    })),
  );
}

/** A compile failure for a name only the SDN configuration could define. */
export function missingSdnSet(message: string): boolean {
  const name = /^no such ipset '(.*)'$/.exec(message)?.[1];
  return name !== undefined && isSdnSetName(name);
}
