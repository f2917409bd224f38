import { createHash } from 'node:crypto';
import { z } from 'zod';
import { PERMISSIONS, type Permission } from '@bizosaas/auth';

/** A platform service allowed to ask for tenant tokens, as SERVICE_CLIENTS configures it. */
export interface ServiceClient {
  id: string;
  /** SHA-256 of the secret: equal lengths for a constant-time comparison, and no plain secret kept. */
  secretHash: Buffer;
  /** The most a token of this client may carry. */
  permissions: readonly Permission[];
}

// ':' separates id and secret in HTTP Basic, so an id never holds one.
const CLIENT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Secrets are machine-made (`openssl rand -base64 32`): a short one is a configuration mistake. */
export const MIN_SECRET_LENGTH = 32;

export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

const clientEntry = z.strictObject({
  secret: z.string().min(MIN_SECRET_LENGTH, `secret: at least ${MIN_SECRET_LENGTH} characters`),
  permissions: z.array(z.string()).min(1, 'permissions: at least one'),
});

function parseClients(text: string, context: z.RefinementCtx): ReadonlyMap<string, ServiceClient> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    context.addIssue({ code: 'custom', message: 'must be JSON {"<clientId>": {"secret", "permissions"}}' });
    return z.NEVER;
  }
  const parsed = z.record(z.string(), clientEntry).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    context.addIssue({ code: 'custom', message: `${issue.path.join('.') || '(root)'}: ${issue.message}` });
    return z.NEVER;
  }
  const clients = new Map<string, ServiceClient>();
  for (const [id, entry] of Object.entries(parsed.data)) {
    if (!CLIENT_ID.test(id)) context.addIssue({ code: 'custom', message: `client id "${id}" must match ${CLIENT_ID}` });
    const unknown = entry.permissions.filter((permission) => !(PERMISSIONS as readonly string[]).includes(permission));
    if (unknown.length > 0)
      context.addIssue({ code: 'custom', message: `client "${id}": unknown permissions ${unknown.join(', ')}` });
    const permissions = PERMISSIONS.filter((permission) => entry.permissions.includes(permission));
    clients.set(id, { id, secretHash: sha256(entry.secret), permissions });
  }
  return clients;
}

/**
 * SERVICE_CLIENTS: JSON `{"<clientId>": {"secret": "...", "permissions": ["integrations:manage"]}}`,
 * default none (the service-token route then refuses every caller). Permission names are checked
 * against libs/auth; the wildcard is not one of them, so no client can ask for it.
 */
export const serviceClientsVariable = z.string().default('{}').transform(parseClients);
