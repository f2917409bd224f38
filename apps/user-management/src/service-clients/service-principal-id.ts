import { createHash } from 'node:crypto';

// The UUIDv5 namespace of BizOSaaS service clients (a fixed random UUID: changing it changes every id).
const SERVICE_CLIENT_NAMESPACE = '5f0c1a8e-3b7d-4e2a-9c6f-1d0b8a7e6c5d';

/** A name-based UUID, version 5 (SHA-1), as RFC 9562 §5.5 defines it. */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The token subject of a service client: the same client is the same principal in every token
 * and on every replica, and never collides with a user id (v4/v7).
 */
export const servicePrincipalId = (clientId: string): string => uuidV5(SERVICE_CLIENT_NAMESPACE, clientId);
