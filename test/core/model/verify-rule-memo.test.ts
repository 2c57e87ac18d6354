// Loading with a file's judgements reuses verify_rule's judgement of a rule text seen before
// (same environment, same answers about the names it references), moved to where the line now
// stands. Whatever came before, a file's verdicts and rules must be the ones a load without
// judgements gives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFwConfig, RuleJudgements } from '../../../server/src/core/model';
import { parseFwSyntax } from '../../../server/src/core/syntax';
import { seededInts } from '../../support/seeded-random';

function load(
  text: string,
  kind: 'guest' | 'cluster' = 'guest',
  judgements = new RuleJudgements(),
) {
  const result = loadFwConfig(parseFwSyntax(text, kind), kind, {}, judgements);
  return {
    verdicts: result.verdicts,
    unverified: result.unverified,
    rules: result.config.rules.map((r) => r.verified),
  };
}

test('the same rule text judged again after a name it uses was defined', () => {
  const text = [
    '[RULES]',
    'IN ACCEPT -source +later -p tcp -dport 22',
    '[IPSET later]',
    '10.0.0.1',
    '[RULES]',
    'IN ACCEPT -source +later -p tcp -dport 22',
  ].join('\n');
  const { verdicts } = load(text, 'cluster');
  assert.deepEqual(
    verdicts.map((v) => [v.lineNumber, v.code]),
    [[2, 'undefined-ipset']],
  );
});

test('a judgement with errors, reused on another line, points at that line', () => {
  const rule = 'IN ACCEPT -p tcp -dport 99999';
  const text = `[RULES]\n${rule}\n# between\n  ${rule}\n`;
  const { verdicts } = load(text);
  assert.deepEqual(
    verdicts.map((v) => [v.lineNumber, v.span.start, v.span.end]),
    [
      [2, 8 + rule.indexOf('99999'), 8 + rule.length],
      [4, text.lastIndexOf('99999'), text.lastIndexOf('99999') + 5],
    ],
  );
});

test('loads after other loads give what a load without judgements gives', () => {
  const lines = [
    '[RULES]',
    'IN ACCEPT -source +office -p tcp -dport 22',
    'IN ACCEPT -source web -dest dc/web',
    'OUT DROP -p udp -dport 70000',
    'IN SSH(ACCEPT) -source guest/web -p tcp',
    'IN ACCEPT -source 10.0.0.1,fd00::1',
    'IN ACCEPT -source web -dest fd00::1',
    'GROUP grp -i net0',
    '[IPSET office]',
    '10.0.0.0/8',
    '[ALIASES]',
    'web 10.0.0.2',
    '[group grp]',
    'IN ACCEPT -source +office -i net0',
  ];
  const next = seededInts(3);
  // One file edited 300 times, the editor's way: each load with the last load's judgements.
  const judgements = new RuleJudgements();
  for (let file = 0; file < 300; file++) {
    let text = '';
    for (let n = 2 + next(20); n > 0; n--)
      text += `${' '.repeat(next(3))}${lines[next(lines.length)]}\n`;
    const kind = next(2) === 0 ? 'guest' : 'cluster';
    const fresh = loadFwConfig(parseFwSyntax(text, kind), kind);
    assert.deepStrictEqual(
      load(text, kind, judgements),
      {
        verdicts: fresh.verdicts,
        unverified: fresh.unverified,
        rules: fresh.config.rules.map((r) => r.verified),
      },
      text,
    );
  }
});
