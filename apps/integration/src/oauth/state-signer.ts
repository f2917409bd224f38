import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What the `state` of an authorization request carries, signed: the session and where it lives. */
export interface ConnectState {
  sessionId: string;
  tenantId: string;
  /** Epoch ms after which the state is refused. */
  expiresAt: number;
  /** Where the browser goes once the connection is stored (same origin as the platform). */
  returnTo: string | null;
}

export interface StateSigner {
  sign(state: ConnectState): string;
  /** The signed content, or null when the signature does not hold (expiry is the caller's to check). */
  verify(state: string): ConnectState | null;
}

const payload = z.strictObject({
  s: z.uuid(),
  t: z.uuid(),
  e: z.int().positive(),
  r: z.string().max(2048).nullable(),
});

const HKDF_INFO = 'bizosaas.integration.oauth-state.v1';

/**
 * HMAC-SHA256 signatures of connect states under keys derived (HKDF-SHA256) from the integration
 * master keys. The state names the master key id it was signed under: a state issued before a
 * key rotation still verifies while the old key is configured. Format `<keyId>.<payload>.<mac>`
 * (base64url; key ids have no dots).
 */
export function createStateSigner(masterKeys: Readonly<Record<string, string>>, activeId?: string): StateSigner {
  const keys = new Map(
    Object.entries(masterKeys).map(([id, key]) => [
      id,
      Buffer.from(hkdfSync('sha256', Buffer.from(key, 'base64'), Buffer.alloc(0), HKDF_INFO, 32)),
    ]),
  );
  const signingId = activeId ?? [...keys.keys()][0];
  const signingKey = signingId === undefined ? undefined : keys.get(signingId);
  if (signingId === undefined || !signingKey) throw new Error(`master key ${String(signingId)} is not configured`);
  const mac = (key: Buffer, signed: string) => createHmac('sha256', key).update(signed).digest();

  return {
    sign(state) {
      const body = { s: state.sessionId, t: state.tenantId, e: state.expiresAt, r: state.returnTo };
      const signed = `${signingId}.${Buffer.from(JSON.stringify(body)).toString('base64url')}`;
      return `${signed}.${mac(signingKey, signed).toString('base64url')}`;
    },
    verify(state) {
      const parts = state.split('.');
      if (parts.length !== 3) return null;
      const [keyId, encoded, signature] = parts as [string, string, string];
      const key = keys.get(keyId);
      if (!key) return null;
      // Compared as text: base64url's unused low bits make several spellings decode alike.
      const expected = Buffer.from(mac(key, `${keyId}.${encoded}`).toString('base64url'));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      let content: unknown;
      try {
        content = JSON.parse(Buffer.from(encoded, 'base64url').toString());
      } catch {
        return null;
      }
      const parsed = payload.safeParse(content);
      if (!parsed.success) return null;
      return { sessionId: parsed.data.s, tenantId: parsed.data.t, expiresAt: parsed.data.e, returnTo: parsed.data.r };
    },
  };
}

/** What the connect session stores of its state: the state itself never is. */
export const stateHash = (state: string): string => createHash('sha256').update(state).digest('hex');
