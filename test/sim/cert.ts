// A self-signed certificate for 127.0.0.1, made at start with node:crypto alone (an EC P-256
// key and a hand-built X.509 DER), so the simulator needs neither openssl nor a package.
import {
  createPrivateKey,
  generateKeyPairSync,
  sign,
  X509Certificate,
  randomBytes,
} from 'node:crypto';

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const length = body.length;
  let head: Buffer;
  if (length < 0x80) head = Buffer.from([tag, length]);
  else if (length < 0x100) head = Buffer.from([tag, 0x81, length]);
  else head = Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([head, body]);
}

const seq = (...parts: Buffer[]): Buffer => der(0x30, ...parts);
const set = (...parts: Buffer[]): Buffer => der(0x31, ...parts);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const text = `${pad(date.getUTCFullYear() % 100)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return der(0x17, Buffer.from(text, 'ascii'));
}

function name(commonName: string): Buffer {
  return seq(set(seq(oid('2.5.4.3'), der(0x0c, Buffer.from(commonName, 'utf8')))));
}

export interface SelfSigned {
  readonly key: string;
  readonly cert: string;
  /** SHA-256 fingerprint as Proxmox shows it: upper-case hex pairs joined by colons. */
  readonly fingerprint: string;
}

/** A fresh key and certificate for CN `commonName`, valid for 127.0.0.1, ::1 and localhost. */
export function selfSignedCertificate(commonName = 'pvefw-simulator'): SelfSigned {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const now = Date.now();
  const serial = randomBytes(8);
  // A DER INTEGER is minimal and positive: the first byte must be 0x01..0x7f. A leading 0x00
  // (1 time in 128 with a plain `& 0x7f`) makes OpenSSL reject the certificate.
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const altNames = seq(
    der(0x87, Buffer.from([127, 0, 0, 1])),
    der(0x87, Buffer.from([...new Array<number>(15).fill(0), 1])),
    der(0x82, Buffer.from('localhost', 'ascii')),
  );
  const extensions = der(
    0xa3,
    seq(seq(oid('2.5.29.17'), der(0x04, altNames)), seq(oid('2.5.29.19'), der(0x04, seq()))),
  );
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    ecdsaSha256,
    name(commonName),
    seq(utcTime(new Date(now - 60_000)), utcTime(new Date(now + 365 * 24 * 3600_000))),
    name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const certDer = seq(tbs, ecdsaSha256, der(0x03, Buffer.from([0]), signature));
  const cert = `-----BEGIN CERTIFICATE-----\n${certDer
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
  const key = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }))
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return { key, cert, fingerprint: new X509Certificate(cert).fingerprint256 };
}
