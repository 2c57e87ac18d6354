// Edits through the real server: rename (and its refusal), quick fixes applied and re-checked,
// formatting, and the "normalise as Proxmox writes it" command.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  CodeAction,
  Diagnostic,
  FullDocumentDiagnosticReport,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import { EDITOR, withServer, type LspClient } from './lsp-client';
import { applyTextEdits, marked } from './text-edits';
import { withFolder } from './lsp-client';

async function diagnostics(client: LspClient, uri: string): Promise<Diagnostic[]> {
  return (
    await client.request<FullDocumentDiagnosticReport>('textDocument/diagnostic', {
      textDocument: { uri },
    })
  ).items;
}

test('lsp: rename an ipset across cluster.fw and a guest; refuse an invalid name', async () => {
  const cluster = '[IPSET web]\n10.0.0.1\n';
  const guest = '[RULES]\nIN ACCEPT -source +web\n';
  await withFolder({ 'firewall/cluster.fw': cluster, 'firewall/100.fw': guest }, async (folder) => {
    await withServer({ ...EDITOR, folders: [folder.root] }, async (client) => {
      const uri = folder.uri('firewall/100.fw');
      await client.open(uri, guest);
      const { position } = marked(guest.replace('+web', '+w$0eb'));
      const edit = await client.request<WorkspaceEdit>('textDocument/rename', {
        textDocument: { uri },
        position,
        newName: 'Front',
      });
      const changes = edit.changes!;
      assert.equal(applyTextEdits(guest, changes[uri]!), '[RULES]\nIN ACCEPT -source +front\n');
      assert.equal(
        applyTextEdits(cluster, changes[folder.uri('firewall/cluster.fw')]!),
        '[IPSET front]\n10.0.0.1\n',
      );
      await assert.rejects(
        client.request('textDocument/rename', {
          textDocument: { uri },
          position,
          newName: 'no way',
        }),
        /'no way' is not a valid ipset name/,
      );
    });
  });
});

const FIXES: readonly { name: string; text: string; code: string; title: string }[] = [
  {
    name: 'host bits',
    text: '[RULES]\nIN ACCEPT -source 10.0.0.$05/8\n',
    code: 'invalid-address',
    title: 'Use the network address: 10.0.0.0/8',
  },
  {
    name: 'ipset case',
    text: '[IPSET web]\n10.0.0.1\n[RULES]\nIN ACCEPT -source +W$0EB\n',
    code: 'undefined-ipset',
    title: "Write 'web' in [IPSET web] and every reference",
  },
  {
    name: 'move above first use',
    text: '[RULES]\nIN ACCEPT -source +w$0eb\n[IPSET web]\n10.0.0.1\n',
    code: 'undefined-ipset',
    title: 'Move [IPSET web]',
  },
  {
    name: 'action case',
    text: '[RULES]\nIN acc$0ept\n',
    code: 'invalid-action',
    title: 'Write ACCEPT',
  },
  {
    name: 'double blank',
    text: '[RULES]\nIN ACCEPT -p  tc$0p\n',
    code: 'unparsable-rule-parameters',
    title: 'Use exactly one space',
  },
  {
    name: 'CRLF (as an edit for clients without the line-ends command)',
    text: '[RULES]$0\r\nIN ACCEPT\r\n',
    code: 'crlf-line-endings',
    title: 'Convert the line ends to LF',
  },
];

for (const fix of FIXES) {
  test(`lsp: quick fix "${fix.name}" applied, re-sent, and the diagnostic is gone`, async () => {
    await withFolder({}, async (folder) => {
      await withServer(EDITOR, async (client) => {
        const uri = folder.uri('firewall/cluster.fw');
        const { text, position } = marked(fix.text);
        await client.open(uri, text);
        const before = (await diagnostics(client, uri)).filter((d) => d.code === fix.code);
        assert.ok(before.length > 0, `${fix.code} is reported`);
        const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
          textDocument: { uri },
          range: { start: position, end: position },
          context: { diagnostics: before },
        });
        const action = actions.find((a) => a.title.startsWith(fix.title));
        assert.ok(action, actions.map((a) => a.title).join(' | '));
        assert.equal(action.kind, 'quickfix');
        assert.deepEqual(
          action.diagnostics?.map((d) => d.code),
          fix.code === 'crlf-line-endings' ? [fix.code] : before.map((d) => d.code).slice(0, 1),
        );
        await client.change(uri, applyTextEdits(text, action.edit!.changes![uri]!));
        assert.deepEqual(
          (await diagnostics(client, uri)).filter((d) => d.code === fix.code),
          [],
        );
      });
    });
  });
}

test('lsp: the CRLF fix becomes the client command when the client has one', async () => {
  await withFolder({}, async (folder) => {
    await withServer(
      { ...EDITOR, initializationOptions: { lineEndsCommand: 'pvefw.useLfLineEnds' } },
      async (client) => {
        const uri = folder.uri('firewall/cluster.fw');
        await client.open(uri, '[RULES]\r\nIN ACCEPT\r\n');
        const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
          textDocument: { uri },
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          context: { diagnostics: [] },
        });
        const crlf = actions.find((a) => a.title.startsWith('Convert the line ends'));
        assert.deepEqual(crlf?.command, {
          title: crlf?.title,
          command: 'pvefw.useLfLineEnds',
          arguments: [uri],
        });
        assert.equal(crlf?.edit, undefined);
      },
    );
  });
});

test('lsp: formatting normalises spacing and leaves the flag spacing alone', async () => {
  await withFolder({}, async (folder) => {
    await withServer(EDITOR, async (client) => {
      const uri = folder.uri('firewall/cluster.fw');
      const text = '[RULES]\n  IN   ACCEPT -p tcp   -dport 22#ssh\nIN ACCEPT -p  udp\n';
      await client.open(uri, text);
      const edits = await client.request<TextEdit[]>('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
      assert.equal(
        applyTextEdits(text, edits),
        '[RULES]\nIN ACCEPT -p tcp -dport 22 # ssh\nIN ACCEPT -p  udp\n',
      );
    });
  });
});

test('lsp: pvefw.normalise returns and applies the text Proxmox would write', async () => {
  await withFolder({}, async (folder) => {
    await withServer(EDITOR, async (client) => {
      const uri = folder.uri('firewall/100.fw');
      const text =
        '# my notes\n[RULES]\nin ACCEPT -dport 22 -p tcp   # ssh\nIN ACCEPT -p  tcp\n[OPTIONS]\nenable: 1\n';
      await client.open(uri, text);
      const reply = await client.request<{
        edit: WorkspaceEdit;
        changed: boolean;
        droppedLines: number;
        commentLines: number;
      }>('workspace/executeCommand', { command: 'pvefw.normalise', arguments: [uri] });
      const expected = '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 22 # ssh\n\n';
      assert.equal(applyTextEdits(text, reply.edit.changes![uri]!), expected);
      assert.deepEqual([reply.changed, reply.droppedLines, reply.commentLines], [true, 1, 1]);
      // The edit was also sent for the client to apply (after the reply, so ask again to sync).
      await client.request('workspace/executeCommand', {
        command: 'pvefw.normalise',
        arguments: [uri, { apply: false }],
      });
      assert.equal(client.applied.length, 1);
      assert.equal(applyTextEdits(text, client.applied[0]!.edit.changes![uri]!), expected);
    });
  });
});
