// Editor features through the real server over stdio: capabilities, completion, hover,
// definition, references, highlights, outline, folding and semantic tokens (decoded).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  CompletionList,
  DocumentHighlight,
  DocumentSymbol,
  FoldingRange,
  Hover,
  Location,
  SemanticTokens,
} from 'vscode-languageserver/node';
import { EDITOR, withServer } from './lsp-client';
import { marked } from './text-edits';
import { withFolder } from './lsp-client';

const CLUSTER = '[IPSET web]\n10.0.0.0/24\n!10.0.0.13\n\n[group tier]\nIN HTTP(ACCEPT)\n';
const GUEST = '[RULES]\nIN ACCEPT -source +web -p tcp\nGROUP tier -i net0\n|IN DROP\n';
const FILES = { 'firewall/cluster.fw': CLUSTER, 'firewall/100.fw': GUEST };

async function inWorkspace(
  body: (
    request: <R>(method: string, params: object) => Promise<R>,
    uri: (p: string) => string,
  ) => Promise<void>,
): Promise<void> {
  await withFolder(FILES, async (folder) => {
    await withServer({ ...EDITOR, folders: [folder.root] }, async (client) => {
      const guest = folder.uri('firewall/100.fw');
      await client.open(guest, GUEST);
      await body(
        (method, params) => client.request(method, params),
        (p) => folder.uri(p),
      );
    });
  });
}

test('lsp: the server announces the editor features', async () => {
  await withServer(EDITOR, (client) => {
    const capabilities = client.initializeResult!.capabilities;
    assert.ok(capabilities.completionProvider?.triggerCharacters?.includes(' '));
    assert.equal(capabilities.hoverProvider, true);
    assert.deepEqual(capabilities.renameProvider, { prepareProvider: true });
    assert.deepEqual(capabilities.executeCommandProvider?.commands, [
      'pvefw.normalise',
      'pvefw.explain',
      'pvefw.report',
    ]);
    assert.ok(capabilities.semanticTokensProvider?.legend.tokenTypes.includes('comment'));
    for (const key of [
      'definitionProvider',
      'referencesProvider',
      'documentHighlightProvider',
      'workspaceSymbolProvider',
      'foldingRangeProvider',
      'documentFormattingProvider',
      'documentRangeFormattingProvider',
      'codeActionProvider',
      'documentSymbolProvider',
    ] as const)
      assert.ok(capabilities[key], key);
  });
});

test('lsp: completion after -source offers the cluster set, replacing the typed prefix', async () => {
  await inWorkspace(async (request, uri) => {
    const { position } = marked(GUEST.replace('+web', '+w$0eb'));
    const list = await request<CompletionList>('textDocument/completion', {
      textDocument: { uri: uri('firewall/100.fw') },
      position,
    });
    const web = list.items.find((i) => i.label === '+web');
    assert.ok(web, list.items.map((i) => i.label).join(' '));
    assert.equal(web.detail, 'ipset of cluster.fw · 2 entries');
    assert.deepEqual(web.textEdit, {
      newText: '+web',
      range: { start: { line: 1, character: 18 }, end: { line: 1, character: 22 } },
    });
  });
});

test('lsp: hover on an ipset shows its membership in Markdown', async () => {
  await inWorkspace(async (request, uri) => {
    const { position } = marked(GUEST.replace('+web', '+w$0eb'));
    const hover = await request<Hover>('textDocument/hover', {
      textDocument: { uri: uri('firewall/100.fw') },
      position,
    });
    const value = (hover.contents as { value: string }).value;
    assert.ok(value.includes('`10.0.0.0 – 10.0.0.12`, `10.0.0.14 – 10.0.0.255`'), value);
    assert.ok(value.includes('cluster.fw line 1'), value);
  });
});

test('lsp: definition and references cross files; highlights stay in the file', async () => {
  await inWorkspace(async (request, uri) => {
    const textDocument = { uri: uri('firewall/100.fw') };
    const { position } = marked(GUEST.replace('GROUP tier', 'GROUP ti$0er'));
    const definition = await request<Location[]>('textDocument/definition', {
      textDocument,
      position,
    });
    assert.deepEqual(definition, [
      {
        uri: uri('firewall/cluster.fw'),
        range: { start: { line: 4, character: 7 }, end: { line: 4, character: 11 } },
      },
    ]);
    const references = await request<Location[]>('textDocument/references', {
      textDocument,
      position,
      context: { includeDeclaration: true },
    });
    assert.deepEqual(
      references.map((l) => `${l.uri.slice(-6)}:${l.range.start.line}`),
      ['ter.fw:4', '100.fw:2'],
    );
    const highlights = await request<DocumentHighlight[]>('textDocument/documentHighlight', {
      textDocument,
      position,
    });
    assert.deepEqual(highlights, [
      { range: { start: { line: 2, character: 6 }, end: { line: 2, character: 10 } }, kind: 2 },
    ]);
  });
});

test('lsp: outline and folding of cluster.fw', async () => {
  await inWorkspace(async (request, uri) => {
    const textDocument = { uri: uri('firewall/cluster.fw') };
    const symbols = await request<DocumentSymbol[]>('textDocument/documentSymbol', {
      textDocument,
    });
    assert.deepEqual(
      symbols.map((s) => [s.name, s.children?.map((c) => c.name)]),
      [
        ['web', []],
        ['tier', ['IN HTTP(ACCEPT)']],
      ],
    );
    const folds = await request<FoldingRange[]>('textDocument/foldingRange', { textDocument });
    assert.deepEqual(
      folds.map((f) => [f.startLine, f.endLine]),
      [
        [0, 2],
        [4, 5],
      ],
    );
  });
});

test('lsp: semantic tokens decode to the roles of each piece', async () => {
  await withFolder(FILES, async (folder) => {
    await withServer({ ...EDITOR, folders: [folder.root] }, async (client) => {
      const legend = client.initializeResult!.capabilities.semanticTokensProvider!.legend;
      const uri = folder.uri('firewall/100.fw');
      await client.open(uri, GUEST);
      const { data } = await client.request<SemanticTokens>('textDocument/semanticTokens/full', {
        textDocument: { uri },
      });
      const lines = GUEST.split('\n');
      const decoded: string[] = [];
      let line = 0;
      let character = 0;
      for (let i = 0; i < data.length; i += 5) {
        line += data[i]!;
        character = data[i]! === 0 ? character + data[i + 1]! : data[i + 1]!;
        const modifiers = legend.tokenModifiers.filter((_, bit) => data[i + 4]! & (1 << bit));
        decoded.push(
          `${lines[line]!.slice(character, character + data[i + 2]!)}:${legend.tokenTypes[data[i + 3]!]}${modifiers.map((m) => `.${m}`).join('')}`,
        );
      }
      assert.deepEqual(decoded, [
        '[RULES:namespace',
        'IN:keyword',
        'ACCEPT:enumMember',
        '-source:parameter',
        '+web:type',
        '-p:parameter',
        'tcp:string',
        'GROUP:keyword',
        'tier:class',
        '-i:parameter',
        'net0:string',
        '|IN DROP:comment.disabled',
      ]);
    });
  });
});
