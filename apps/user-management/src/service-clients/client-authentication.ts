import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { sha256, type ServiceClient } from './service-clients-config.ts';

/** Sent with every 401 of the route (RFC 6749 §5.2: invalid_client over HTTP Basic). */
export const BASIC_CHALLENGE = 'Basic realm="bizosaas-service-tokens", charset="UTF-8"';

// Compared against when the client id is unknown, so an unknown id costs what a wrong secret does.
const NO_SECRET = sha256('');

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/** `Basic base64(id:secret)` into its parts; undefined for anything else. */
export function parseBasicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  return id === undefined || secret === undefined ? undefined : { id, secret };
}

/** The configured client whose secret matches; the secret is compared in constant time. */
export function authenticateClient(
  clients: ReadonlyMap<string, ServiceClient>,
  header: string | undefined,
): ServiceClient | undefined {
  const credentials = parseBasicCredentials(header);
  if (credentials === undefined) return undefined;
  const client = clients.get(credentials.id);
  const matches = timingSafeEqual(client?.secretHash ?? NO_SECRET, sha256(credentials.secret));
  return client !== undefined && matches ? client : undefined;
}

const clientOf = new WeakMap<FastifyRequest, ServiceClient>();

/**
 * onRequest guard: the caller must be a configured client, decided before the body is read or
 * validated (a wrong secret with a bad body is 401, never 400).
 */
export function requireServiceClient(clients: ReadonlyMap<string, ServiceClient>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const client = authenticateClient(clients, request.headers.authorization);
    if (client === undefined) {
      void reply.header('www-authenticate', BASIC_CHALLENGE);
      throw new UnauthenticatedError('Invalid service client credentials', { reason: 'invalid_client' });
    }
    clientOf.set(request, client);
  };
}

/** The client `requireServiceClient` authenticated for this request. */
export function serviceClientOf(request: FastifyRequest): ServiceClient {
  const client = clientOf.get(request);
  if (client === undefined) throw new UnauthenticatedError('Invalid service client credentials');
  return client;
}
