import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { linkPayload, type LinkPayload } from './link-payload.ts';

/** A pool, or a held client (a test's transaction). link_signing_keys has no tenant: no RLS applies. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface LinkSigner {
  /** `base64url(JSON payload).keyId.base64url(HMAC-SHA256 of the two)`, signed with the newest key. */
  sign(payload: LinkPayload): Promise<string>;
  /** The payload of a token signed by any key still stored, else null (malformed, tampered, unknown key). */
  verify(token: string): Promise<LinkPayload | null>;
}

interface KeyRing {
  readonly secrets: ReadonlyMap<number, Buffer>;
  readonly newest: number;
}

const KEY_BYTES = 32;
// An HMAC-SHA256 is 32 bytes: 43 base64url characters. Key ids are positive integers.
const TOKEN = /^([A-Za-z0-9_-]+)\.([1-9]\d{0,8})\.([A-Za-z0-9_-]{43})$/;

const mac = (secret: Buffer, signed: string) => createHmac('sha256', secret).update(signed).digest('base64url');

async function readKeys(db: Queryable): Promise<KeyRing | null> {
  const { rows } = await db.query<{ id: number; secret: Buffer }>('SELECT id, secret FROM link_signing_keys');
  if (rows.length === 0) return null;
  return { secrets: new Map(rows.map((row) => [row.id, row.secret])), newest: Math.max(...rows.map((row) => row.id)) };
}

/** The stored keys; the first replica to find none creates key 1 (a racing one's insert does nothing). */
async function loadKeys(db: Queryable): Promise<KeyRing> {
  const stored = await readKeys(db);
  if (stored) return stored;
  await db.query(
    'INSERT INTO link_signing_keys (id, secret, created_at) VALUES (1, $1, now()) ON CONFLICT (id) DO NOTHING',
    [randomBytes(KEY_BYTES)],
  );
  const created = await readKeys(db);
  if (!created) throw new Error('link_signing_keys is still empty after creating key 1');
  return created;
}

function decode(body: string): LinkPayload | null {
  try {
    const parsed = linkPayload.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The token of `payload` signed by key `keyId`; a payload that verify would refuse throws. */
export function signLinkToken(payload: LinkPayload, keyId: number, secret: Buffer): string {
  const signed = `${Buffer.from(JSON.stringify(linkPayload.parse(payload))).toString('base64url')}.${keyId}`;
  return `${signed}.${mac(secret, signed)}`;
}

/** The id of the key a well-formed token names, else null. */
export function linkTokenKeyId(token: string): number | null {
  const match = TOKEN.exec(token);
  return match ? Number(match[2]) : null;
}

/** The payload of `token` when `secret` signed it, else null. */
export function verifyLinkToken(token: string, secret: Buffer): LinkPayload | null {
  const match = TOKEN.exec(token);
  if (!match) return null;
  const [, body = '', keyId = '', signature = ''] = match;
  // Compared as text: two base64url spellings may decode to the same bytes; only ours is valid.
  if (!timingSafeEqual(Buffer.from(mac(secret, `${body}.${keyId}`)), Buffer.from(signature))) return null;
  return decode(body);
}

/**
 * Signs and verifies link tokens with the keys of notification.link_signing_keys, read once and
 * cached. A token naming a key newer than the cached ones (another replica or an operator
 * rotated) reloads them; a deleted key stops verifying once the keys are read again (a restart).
 */
export function createLinkSigner(db: Queryable): LinkSigner {
  let ring: Promise<KeyRing> | undefined;
  const load = () => {
    const loading = loadKeys(db);
    ring = loading;
    // A failed read is retried by the next call instead of being cached.
    void loading.catch(() => {
      if (ring === loading) ring = undefined;
    });
    return loading;
  };

  async function secretOf(id: number): Promise<Buffer | undefined> {
    const pending = ring ?? load();
    const current = await pending;
    if (current.secrets.has(id) || id <= current.newest) return current.secrets.get(id);
    // Concurrent verifications of new tokens share one reload.
    const fresh = await (ring === pending || ring === undefined ? load() : ring);
    return fresh.secrets.get(id);
  }

  return {
    async sign(payload) {
      const { secrets, newest } = await (ring ?? load());
      return signLinkToken(payload, newest, secrets.get(newest)!);
    },
    async verify(token) {
      const keyId = linkTokenKeyId(token);
      const secret = keyId === null ? undefined : await secretOf(keyId);
      return secret === undefined ? null : verifyLinkToken(token, secret);
    },
  };
}

/** The public link of an unsubscribe token (through the gateway: the route needs no access token). */
export function unsubscribeUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/v1/notifications/unsubscribe/${encodeURIComponent(token)}`;
}
