// Property: on any text, every editor query at every offset answers without throwing, and every
// span it returns lies inside its file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  codeActionsAt,
  checkFile,
  completionsAt,
  definitionAt,
  documentSymbols,
  foldingSpans,
  formatEdits,
  highlightsAt,
  hoverAt,
  normaliseFile,
  prepareRenameAt,
  referencesAt,
  renameAt,
  semanticTokens,
  type Span,
} from '../../../server/src/core';
import { fixture } from './fixture';

const PIECES = [
  '[OPTIONS]',
  '[RULES]',
  '[ALIASES]',
  '[IPSET web]',
  '[group g1]',
  '[ipset',
  '[group ]',
  'IN',
  'OUT',
  'FORWARD',
  'GROUP',
  'g1',
  '|',
  '|IN',
  'ACCEPT',
  'accept',
  'SSH(ACCEPT)',
  'SSH(',
  '(',
  ')',
  '-i',
  '-p',
  '-dport',
  '-sport',
  '-source',
  '-dest',
  '-log',
  '-icmp-type',
  'tcp',
  'icmp',
  'icmpv6',
  '22',
  '80:22',
  'http',
  'echo-request',
  '+web',
  '+dc/web',
  '+guest/web',
  '+sdn/v-all',
  '+',
  'gw',
  'dc/gw',
  'guest/gw',
  '10.0.0.1/8',
  '!10.0.0.0/16',
  '!',
  'fd00::/8',
  '0.0.0.0/32',
  'gw 10.0.0.1',
  'enable:',
  'enable: 1',
  'policy_in:',
  'log_ratelimit: x',
  'net0',
  'info',
  '#',
  '# c',
  '\t',
  '  ',
  '\r',
  'é',
];

const line = fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((parts) => parts.join(' '));
const file = fc.array(line, { maxLength: 10 }).map((lines) => lines.join('\n'));

function inside(span: Span, text: string): boolean {
  return span.start >= 0 && span.start <= span.end && span.end <= text.length;
}

test('editor queries never throw and stay inside the text', () => {
  fc.assert(
    fc.property(file, file, (cluster, guest) => {
      const { ws, texts } = fixture({ 'firewall/cluster.fw': cluster, 'firewall/100.fw': guest });
      for (const id of Object.keys(texts)) {
        const text = texts[id]!;
        const f = ws.file(id)!;
        const findings = checkFile({ path: id, text }, f.kind);
        for (let offset = 0; offset <= text.length; offset++) {
          const list = completionsAt(ws, id, offset);
          if (list) assert.ok(inside(list.span, text), 'completion span');
          const hover = hoverAt(ws, id, offset);
          if (hover) assert.ok(inside(hover.span, text), 'hover span');
          for (const place of [
            ...definitionAt(ws, id, offset),
            ...referencesAt(ws, id, offset, true),
          ])
            assert.ok(inside(place.span, texts[place.fileId]!), 'location span');
          prepareRenameAt(ws, id, offset);
          const renamed = renameAt(ws, id, offset, 'renamed');
          if ('edits' in renamed)
            for (const e of renamed.edits) assert.ok(inside(e.span, texts[e.fileId]!));
          for (const h of highlightsAt(ws, id, offset)) assert.ok(inside(h.span, text));
          for (const a of codeActionsAt(ws, id, { start: offset, end: offset }, findings))
            for (const e of a.edits) assert.ok(inside(e.span, text), a.title);
        }
        for (const e of formatEdits(f.parsed)) assert.ok(inside(e.span, text));
        for (const t of semanticTokens(f.parsed)) assert.ok(inside(t.span, text));
        for (const s of documentSymbols(f.parsed)) assert.ok(inside(s.span, text));
        for (const s of foldingSpans(f.parsed.tree)) assert.ok(inside(s.span, text));
        normaliseFile(f);
      }
    }),
    { numRuns: 300, seed: 42 },
  );
});
