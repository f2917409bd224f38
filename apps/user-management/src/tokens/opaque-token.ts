import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const OPAQUE = new RegExp(`^(${UUID})\\.([A-Za-z0-9_-]{43})$`);

/**
 * `<tenantId>.<32 random bytes, base64url>`: refresh and invitation tokens. The tenant id in
 * front lets the lookup run inside that tenant's RLS scope; it is not a secret, the random
 * part is. Only the SHA-256 of the whole token is stored.
 */
export function newOpaqueToken(tenantId: string): string {
  return `${tenantId}.${randomBytes(32).toString('base64url')}`;
}

export function tenantOfOpaqueToken(token: string): string | undefined {
  return OPAQUE.exec(token)?.[1];
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

const API_KEY = new RegExp(`^bzk_(${UUID})_(${UUID})_([A-Za-z0-9_-]{43})$`);

/** `bzk_<tenantId>_<keyId>_<secret>`: an API key, shown once; its secret is stored as SHA-256. */
export function newApiKey(tenantId: string, keyId: string): { key: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { key: `bzk_${tenantId}_${keyId}_${secret}`, secretHash: sha256(secret) };
}

export function parseApiKey(key: string): { tenantId: string; keyId: string; secretHash: string } | undefined {
  const match = API_KEY.exec(key);
  if (!match) return undefined;
  return { tenantId: match[1]!, keyId: match[2]!, secretHash: sha256(match[3]!) };
}
