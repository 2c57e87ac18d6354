// Document symbols, workspace symbols, folding and semantic tokens on small files.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  documentSymbols,
  foldingSpans,
  ParsedFwFile,
  semanticTokens,
  workspaceSymbols,
} from '../../../server/src/core';
import { fixture } from './fixture';

const CLUSTER =
  '# office cluster\n# two lines\n[OPTIONS]\nenable: 1\n\n[ALIASES]\ngw 10.0.0.1\n\n' +
  '[IPSET web] # front\n10.0.0.10\n\n[RULES]\nIN ACCEPT -source +web -p tcp # www\n|IN DROP\n\n' +
  '[group admins]\nIN SSH(ACCEPT) -source gw\n';

test('outline: sections with their options, aliases and rules', () => {
  const outline = documentSymbols(new ParsedFwFile(CLUSTER, 'cluster')).map(
    (s) =>
      `${s.kind} ${s.name}${s.detail ? ` (${s.detail})` : ''}: ${s.children.map((c) => c.name).join(', ')}`,
  );
  assert.deepEqual(outline, [
    'section [OPTIONS]: enable',
    'section [ALIASES]: gw',
    'ipset web (ipset · front): ',
    'section [RULES]: IN ACCEPT -source +web -p tcp, |IN DROP',
    'group admins (group): IN SSH(ACCEPT) -source gw',
  ]);
});

test('workspace symbols: names across files, filtered by the query', () => {
  const { ws } = fixture({
    'firewall/cluster.fw': CLUSTER,
    'firewall/100.fw': '[IPSET webcache]\n10.0.0.1\n',
  });
  const found = (query: string): string[] =>
    workspaceSymbols(ws, query).map((s) => `${s.kind} ${s.name} ${s.container}`);
  assert.deepEqual(found('web'), ['ipset web cluster.fw', 'ipset webcache 100.fw']);
  assert.deepEqual(found('adm'), ['group admins cluster.fw']);
});

test('folding: each section to its last non-blank line, and comment runs', () => {
  const text = CLUSTER;
  const line = (offset: number): number => text.slice(0, offset).split('\n').length;
  const folds = foldingSpans(new ParsedFwFile(text, 'cluster').tree).map(
    (f) => `${f.kind} ${line(f.span.start)}-${line(f.span.end)}`,
  );
  assert.deepEqual(folds, [
    'comment 1-2',
    'region 3-4',
    'region 6-7',
    'region 9-10',
    'region 12-14',
    'region 16-17',
  ]);
});

test('semantic tokens: roles by kind, declarations marked, disabled rules one greyed token', () => {
  const text =
    '[IPSET web]\n10.0.0.1\n[RULES]\nIN SSH(ACCEPT) -source +web -dport 22\n|IN DROP -p tcp\n';
  const tokens = semanticTokens(new ParsedFwFile(text, 'cluster')).map(
    (t) =>
      `${text.slice(t.span.start, t.span.end)}=${t.role}${t.declaration ? '+decl' : ''}${t.disabled ? '+disabled' : ''}`,
  );
  assert.deepEqual(tokens, [
    '[IPSET=section',
    'web=ipset+decl',
    '10.0.0.1=address',
    '[RULES=section',
    'IN=direction',
    'SSH=macro',
    'ACCEPT=action',
    '-source=flag',
    '+web=ipset',
    '-dport=flag',
    '22=number',
    '|IN DROP -p tcp=comment+disabled',
  ]);
});
