// "Trust cluster certificate" decides what to ask before anything is pinned: the fingerprint as
// Proxmox's web interface shows it, host:port, and for a changed certificate a first button that
// keeps the pin and a typed second step that alone replaces it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseFingerprint } from '../../server/src/cluster/tls';
import {
  hostPort,
  replacementInput,
  replacementProblem,
  trustPrompt,
  type TrustQuestion,
} from '../../client/src/sync/logic/trust-prompt';

// Node's X509Certificate.fingerprint256 form, and the same bytes as bare lower-case hex.
const SEEN =
  '56:2F:E5:C0:B7:A0:65:57:6F:4B:61:B9:63:DD:95:7E:5D:F8:0B:28:7C:C7:0E:7E:E0:11:6E:D3:D1:35:5B:88';
const OLD =
  '00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF';
const STORE = '/home/admin/.config/pvefw/trusted-hosts.json';

function ask(extra: Partial<TrustQuestion> = {}): ReturnType<typeof trustPrompt> {
  return trustPrompt({
    baseUrl: 'https://127.0.0.1:38123',
    seen: { fingerprint: SEEN, subject: '127.0.0.1', validTo: 'Jan  1 00:00:00 2035 GMT' },
    storePath: STORE,
    ...extra,
  });
}

test('fingerprints read as the Proxmox web interface shows them: upper-case byte pairs and colons', () => {
  for (const written of [
    SEEN,
    SEEN.toLowerCase(),
    SEEN.replace(/:/g, ''),
    ` ${SEEN.toLowerCase()} `,
  ])
    assert.equal(normaliseFingerprint(written), SEEN);
  assert.equal(normaliseFingerprint(SEEN).split(':').length, 32, 'SHA-256: 32 bytes');
});

test('first use: the host with its port, the fingerprint in full, where it is pinned, one button', () => {
  const prompt = ask();
  assert.equal(prompt.kind, 'first-use');
  if (prompt.kind !== 'first-use') return;
  assert.equal(prompt.message, 'Trust the certificate of 127.0.0.1:38123?');
  assert.ok(prompt.detail.includes(`SHA-256 fingerprint:\n${SEEN}\n`), prompt.detail);
  assert.match(prompt.detail, /Issued to '127\.0\.0\.1', valid until Jan {2}1 00:00:00 2035 GMT/);
  assert.match(prompt.detail, /node > System > Certificates/);
  assert.ok(prompt.detail.includes(STORE), 'says where the pin is kept');
  assert.match(prompt.detail, /shared with the pvefw command/);
  assert.doesNotMatch(prompt.detail, /matches/);
  assert.equal(prompt.trust, 'Trust this certificate');
});

test('first use with the fingerprint .pvefw.json records: it says they match', () => {
  const prompt = ask({ recorded: SEEN.toLowerCase() });
  assert.equal(prompt.kind, 'first-use');
  assert.match(
    prompt.kind === 'first-use' ? prompt.detail : '',
    /matches the one this folder's \.pvefw\.json records/,
  );
});

test('the pinned certificate again: nothing to ask', () => {
  const prompt = ask({ pinned: SEEN.replace(/:/g, '').toLowerCase() });
  assert.deepEqual(prompt, {
    kind: 'already-trusted',
    message: `You already trust 127.0.0.1:38123 with this certificate (SHA-256 ${SEEN}).`,
  });
});

test('a changed certificate leads with the change; the first button (Enter) keeps the pin', () => {
  const prompt = ask({ pinned: OLD });
  assert.equal(prompt.kind, 'changed');
  if (prompt.kind !== 'changed') return;
  assert.match(prompt.message, /^The certificate of 127\.0\.0\.1:38123 changed/);
  assert.ok(prompt.detail.startsWith(`You trusted:\n${OLD}\n\nIt presents now:\n${SEEN}\n`));
  assert.match(prompt.detail, /someone may be intercepting the connection/);
  assert.equal(prompt.keep, 'Keep the trusted certificate');
  assert.equal(prompt.replace, 'Replace the pin…');
});

test('no pin, but .pvefw.json records another fingerprint: the same two steps', () => {
  const prompt = ask({ recorded: OLD });
  assert.equal(prompt.kind, 'changed');
  if (prompt.kind !== 'changed') return;
  assert.match(prompt.message, /is not the one this folder's \.pvefw\.json records/);
  assert.ok(prompt.detail.startsWith(`.pvefw.json records:\n${OLD}\n\nIt presents:\n${SEEN}`));
  assert.equal(prompt.keep, 'Do not trust it');
});

test("the second step: only the new fingerprint's end (or all of it) replaces the pin", () => {
  const cases: [typed: string, confirms: boolean][] = [
    ['', false], // a single Enter
    ['5B:88', true],
    ['5b88', true],
    [' 5b:88 ', true],
    [SEEN, true],
    [SEEN.toLowerCase().replace(/:/g, ''), true],
    ['88', false],
    ['35:5B', false],
    ['EE:FF', false], // the old pin's end
    [OLD, false],
  ];
  for (const [typed, confirms] of cases)
    assert.equal(replacementProblem(typed, SEEN) === undefined, confirms, JSON.stringify(typed));
  assert.match(replacementProblem('', SEEN)!, /Type the last two groups/);
  assert.match(replacementProblem('EE:FF', SEEN)!, /not how the new fingerprint ends/);
  const input = replacementInput('https://127.0.0.1:38123', SEEN.toLowerCase());
  assert.equal(input.title, 'Replace the pinned certificate of 127.0.0.1:38123');
  assert.ok(input.prompt.includes(SEEN), 'the box shows the new fingerprint in full');
});

test("host:port keeps Proxmox's port too", () => {
  assert.equal(hostPort('https://pve1.example.com:8006'), 'pve1.example.com:8006');
  assert.equal(hostPort('https://[fd00::1]:8007'), '[fd00::1]:8007');
});

test("a hostile certificate's subject can plant no link and hide nothing", () => {
  const prompt = ask({
    seen: {
      fingerprint: SEEN,
      subject: 'pve1 [click](command:workbench.action.terminal.new)\u202e\u001b[2J',
      validTo: 'soon\nreally',
    },
  });
  const detail = prompt.kind === 'first-use' ? prompt.detail : '';
  assert.doesNotMatch(detail, /\]\(command:/);
  assert.ok(!detail.includes('\u202e') && !detail.includes('\u001b'), 'no raw override or ESC');
  assert.match(detail, /\\u202e\\u001b/);
});
