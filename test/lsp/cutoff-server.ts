// A language-server stand-in for the shutdown test: it answers `initialize` and `shutdown`, and
// right after the `shutdown` answer writes the header of one more message but never its body, as
// a real server does when it is killed between the two writes of a message (vscode-jsonrpc writes
// a message's header and body separately). It then waits for `exit`, as a server should.
let pending = Buffer.alloc(0);

function send(message: object): void {
  const body = JSON.stringify(message);
  process.stdout.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function handle(message: { id?: number; method?: string }): void {
  if (message.method === 'initialize')
    send({ jsonrpc: '2.0', id: message.id, result: { capabilities: {} } });
  else if (message.method === 'shutdown') {
    send({ jsonrpc: '2.0', id: message.id, result: null });
    process.stdout.write('Content-Length: 64\r\n\r\n');
  } else if (message.method === 'exit') process.exit(0);
  else if (message.id !== undefined) send({ jsonrpc: '2.0', id: message.id, result: null });
}

process.stdin.on('data', (chunk: Buffer) => {
  pending = Buffer.concat([pending, chunk]);
  for (;;) {
    const headerEnd = pending.indexOf('\r\n\r\n');
    if (headerEnd === -1) return;
    const length = /Content-Length: (\d+)/i.exec(pending.subarray(0, headerEnd).toString('ascii'));
    if (!length) throw new Error('cutoff-server: no Content-Length');
    const start = headerEnd + 4;
    const end = start + Number(length[1]);
    if (pending.length < end) return;
    handle(JSON.parse(pending.subarray(start, end).toString('utf8')) as { method?: string });
    pending = pending.subarray(end);
  }
});
