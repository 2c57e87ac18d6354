// verify_rule's judgement of a rule line depends on the line's text, the environment, and what
// the names it references resolve to at that point of the file, never on where the line
// stands. A file loaded again after a keystroke asks about thousands of lines it has already
// judged (and a realistic file repeats the same rule text many times), so each judgement is
// kept with the answers about names it got, and reused, moved to the line's place, when the
// same question gets the same answers.
import { shiftSpan, type RuleLine } from '../syntax';
import { verifyRule, type ParseTimeNames, type RuleEnv, type VerifiedRule } from './verify-rule';

/** One question verify_rule asked about a name, and the answer it got. */
interface NameRead {
  readonly ask: 'ipset' | 'alias' | 'family';
  readonly name: string;
  readonly scope: string;
  readonly answer: boolean | 'unknown' | 4 | 6 | undefined;
}

interface Judged {
  /** Where the line's content started when it was judged; its spans are from there. */
  readonly start: number;
  readonly verified: VerifiedRule;
  readonly reads: readonly NameRead[];
}

/** Bounded, for a long-lived language server: about four 20,000-rule files' worth. */
const MAX_JUDGED = 80_000;
const judged = new Map<RuleEnv, Map<string, Judged>>();
let size = 0;

function ask(names: ParseTimeNames, read: NameRead): NameRead['answer'] {
  switch (read.ask) {
    case 'ipset':
      return names.hasIpSet(read.name);
    case 'alias':
      return names.hasAlias(read.name);
    case 'family':
      return names.aliasFamily(read.name, read.scope);
  }
}

function sameAnswers(names: ParseTimeNames, reads: readonly NameRead[]): boolean {
  for (const read of reads) if (ask(names, read) !== read.answer) return false;
  return true;
}

/** `names`, writing down every question asked of it. */
function recording(names: ParseTimeNames, reads: NameRead[]): ParseTimeNames {
  const asked = (read: Omit<NameRead, 'answer'>): NameRead['answer'] => {
    const answer = ask(names, { ...read, answer: undefined });
    reads.push({ ...read, answer });
    return answer;
  };
  return {
    hasIpSet: (name) => asked({ ask: 'ipset', name, scope: '' }) as boolean | 'unknown',
    hasAlias: (name) => asked({ ask: 'alias', name, scope: '' }) as boolean | 'unknown',
    aliasFamily: (name, scope) => asked({ ask: 'family', name, scope }) as 4 | 6 | undefined,
  };
}

function moved(verified: VerifiedRule, delta: number): VerifiedRule {
  if (
    delta === 0 ||
    (verified.errors.length === 0 && verified.unverified.length === 0 && !verified.dropped)
  )
    return verified;
  return {
    ...verified,
    errors: verified.errors.map((e) => ({ ...e, span: shiftSpan(e.span, delta) })),
    unverified: verified.unverified.map((u) => ({ ...u, span: shiftSpan(u.span, delta) })),
    ...(verified.dropped
      ? { dropped: { ...verified.dropped, span: shiftSpan(verified.dropped.span, delta) } }
      : {}),
  };
}

/** verifyRule(line.rule, env, names), from an earlier judgement of the same text when it holds. */
export function verifyRuleLine(line: RuleLine, env: RuleEnv, names: ParseTimeNames): VerifiedRule {
  const { content, start } = line.line;
  let byText = judged.get(env);
  const known = byText?.get(content);
  if (known && sameAnswers(names, known.reads)) return moved(known.verified, start - known.start);
  const reads: NameRead[] = [];
  const verified = verifyRule(line.rule, env, recording(names, reads));
  if (size >= MAX_JUDGED) {
    judged.clear();
    size = 0;
  }
  if (!byText) judged.set(env, (byText = new Map<string, Judged>()));
  if (!byText.has(content)) size++;
  byText.set(content, { start, verified, reads });
  return verified;
}

/** Forgets every judgement: for tests that compare with a judgement made afresh. */
export function forgetJudgements(): void {
  judged.clear();
  size = 0;
}
