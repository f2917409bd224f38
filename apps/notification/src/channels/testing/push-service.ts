// A local Web Push service for the push channel's tests. It hands out subscriptions whose keys
// it keeps (ECDH prime256v1 and a 16-byte auth secret, as a browser makes them), checks what a
// push service checks (the VAPID `Authorization: vapid t=<JWT>, k=<key>` header with its ES256
// signature and audience, `Content-Encoding: aes128gcm`, TTL) and decrypts the payload (RFC 8291)
// so a test sees exactly what the service worker would. Answers 201 unless told otherwise.
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, randomUUID, verify } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { PushSubscriptionJson } from '../channel.ts';

export interface ReceivedPush {
  subscriptionId: string;
  /** The decrypted payload. */
  payload: string;
  ttl: string | undefined;
  /** The VAPID public key (k=) that signed the request. */
  vapidKey: string;
}

export interface PushService {
  /** A new subscription of a fresh browser at this service. */
  subscribe(): PushSubscriptionJson & { id: string };
  /** Answers every request for this subscription with `status` (410, 404, 500, 429, ...). */
  answer(subscriptionId: string, status: number): void;
  /** Pushes accepted (201) and decrypted. */
  received: ReceivedPush[];
  /** Requests refused for a wrong VAPID header or encoding, with the reason. */
  refused: string[];
  /** Every request that reached the service. */
  readonly requests: number;
  close(): Promise<void>;
}

const b64url = (buffer: Buffer) => buffer.toString('base64url');

function checkVapid(req: IncomingMessage, origin: string): string {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(req.headers.authorization ?? '');
  if (!match) throw new Error(`no VAPID authorization: ${req.headers.authorization}`);
  const [token, key] = [match[1]!, match[2]!];
  const [header, claims, signature] = token.split('.') as [string, string, string];
  const point = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33, 65)) },
    format: 'jwk',
  });
  const signed = Buffer.from(`${header}.${claims}`);
  const valid = verify(
    'sha256',
    signed,
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!valid) throw new Error('VAPID JWT signature does not verify');
  const body = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud?: string; exp?: number; sub?: string };
  if (body.aud !== origin) throw new Error(`VAPID audience ${body.aud} is not ${origin}`);
  if (typeof body.exp !== 'number' || typeof body.sub !== 'string') throw new Error('VAPID claims incomplete');
  return key;
}

/** RFC 8291 / RFC 8188 (aes128gcm, one record) with the user agent's private key and auth secret. */
function decrypt(body: Buffer, ecdh: ReturnType<typeof createECDH>, auth: Buffer): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const senderKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const shared = ecdh.computeSecret(senderKey);
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, auth, info, 32));
  const key = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', key, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  const end = padded.lastIndexOf(2);
  if (end < 0) throw new Error('no last-record delimiter');
  return padded.subarray(0, end).toString('utf8');
}

export async function startPushService(): Promise<PushService> {
  const subscribers = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer }>();
  const answers = new Map<string, number>();
  const received: ReceivedPush[] = [];
  const refused: string[] = [];
  let requests = 0;
  let origin = '';

  const server = createServer((req, res) => {
    requests += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? '';
      const subscriber = subscribers.get(id);
      if (req.method !== 'POST' || !subscriber) return void res.writeHead(404).end();
      const status = answers.get(id);
      if (status !== undefined) return void res.writeHead(status).end(`answer ${status}`);
      try {
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('Content-Encoding is not aes128gcm');
        const vapidKey = checkVapid(req, origin);
        const payload = decrypt(Buffer.concat(chunks), subscriber.ecdh, subscriber.auth);
        received.push({ subscriptionId: id, payload, ttl: req.headers.ttl as string | undefined, vapidKey });
        res.writeHead(201, { location: `${origin}/messages/${randomUUID()}` }).end();
      } catch (error) {
        refused.push((error as Error).message);
        res.writeHead(400).end((error as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  return {
    subscribe() {
      const id = randomUUID();
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      subscribers.set(id, { ecdh, auth });
      return {
        id,
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) },
      };
    },
    answer(subscriptionId, status) {
      answers.set(subscriptionId, status);
    },
    received,
    refused,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
