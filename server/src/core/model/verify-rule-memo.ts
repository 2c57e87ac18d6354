// verify_rule's judgement of a rule line depends on the line's text, the environment, and what
// the names it references resolve to at that point of the file, never on where the line
// stands. A file loaded again after a keystroke asks about thousands of lines it has already
// judged, so the editor keeps each file's judgements, with the answers about names each got,
// and reuses one, moved to the line's place, when the same question gets the same answers.
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

/** `names`, writing down every question asked of it and the answer. */
class Recorder implements ParseTimeNames {
  readonly reads: NameRead[] = [];
  constructor(private readonly names: ParseTimeNames) {}
  hasIpSet(name: string): boolean | 'unknown' {
    const answer = this.names.hasIpSet(name);
    this.reads.push({ ask: 'ipset', name, scope: '', answer });
    return answer;
  }
  hasAlias(name: string): boolean | 'unknown' {
    const answer = this.names.hasAlias(name);
    this.reads.push({ ask: 'alias', name, scope: '', answer });
    return answer;
  }
  aliasFamily(name: string, scope: string): 4 | 6 | undefined {
    const answer = this.names.aliasFamily(name, scope);
    this.reads.push({ ask: 'family', name, scope, answer });
    return answer;
  }
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

/**
 * One file's judgements, kept from one load of it to the next: what the last load judged is
 * reused, the rest forgotten, so it holds about as many as the file has rule lines.
 */
export class RuleJudgements {
  private previous = new Map<RuleEnv, Map<string, Judged>>();
  private current = new Map<RuleEnv, Map<string, Judged>>();

  /** A new load of the file begins. */
  beginLoad(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  /** verifyRule(line.rule, env, names), from an earlier judgement of the same text if it holds. */
  verify(line: RuleLine, env: RuleEnv, names: ParseTimeNames): VerifiedRule {
    const { content, start } = line.line;
    let now = this.current.get(env);
    if (!now) this.current.set(env, (now = new Map<string, Judged>()));
    const known = now.get(content) ?? this.previous.get(env)?.get(content);
    if (known && sameAnswers(names, known.reads)) {
      now.set(content, known);
      return moved(known.verified, start - known.start);
    }
    const recorder = new Recorder(names);
    const verified = verifyRule(line.rule, env, recorder);
    now.set(content, { start, verified, reads: recorder.reads });
    return verified;
  }
}
