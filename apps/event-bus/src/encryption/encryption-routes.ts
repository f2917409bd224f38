import { isServicePrincipal, requirePermission, requirePrincipal } from '@bizosaas/auth';
import { ForbiddenError } from '@bizosaas/ddd-kernel';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import type { DataKeyStore, MasterKeyring } from '@bizosaas/envelope-encryption';
import { rewrapUnderActiveMasterKey } from './master-key-rewrap.ts';

const dataKey = z.object({
  version: z.int(),
  masterKeyId: z.string(),
  createdAt: z.string(),
  rewrappedAt: z.string().nullable(),
});

export interface EncryptionRouteDeps {
  keys: DataKeyStore;
  keyring: MasterKeyring;
  /** Worker role: the re-wrap covers every tenant. */
  workerPool: pg.Pool;
}

/**
 * A tenant's data keys (list, rotate: new writes use a new version, old versions keep opening
 * what they sealed) and the platform's master-key re-wrap. Key material never leaves the service.
 */
export function registerEncryptionRoutes(app: ServiceApp, deps: EncryptionRouteDeps): void {
  const tags = ['encryption'];
  const guard = { onRequest: requirePermission('tenant:manage') };

  app.get(
    '/api/v1/events/encryption/data-keys',
    {
      ...guard,
      schema: {
        tags,
        summary: "The caller's tenant's data key versions",
        response: { 200: z.object({ activeVersion: z.int().nullable(), dataKeys: z.array(dataKey) }) },
      },
    },
    async (request) => {
      const dataKeys = await deps.keys.list(requirePrincipal(request).tenantId);
      return { activeVersion: dataKeys.at(-1)?.version ?? null, dataKeys };
    },
  );

  app.post(
    '/api/v1/events/encryption/data-keys/rotate',
    {
      ...guard,
      schema: {
        tags,
        summary: 'New data key version for new writes (old data stays readable)',
        response: { 201: dataKey },
      },
    },
    async (request, reply) => reply.code(201).send(await deps.keys.rotate(requirePrincipal(request).tenantId)),
  );

  app.post(
    '/api/v1/events/encryption/master-key/rewrap',
    {
      schema: {
        tags,
        summary: 'Re-wrap every data key and webhook secret under the active master key (platform services only)',
        response: {
          403: errorResponseSchema,
          200: z.object({
            activeMasterKeyId: z.string(),
            dataKeysRewrapped: z.int(),
            webhookSecretsResealed: z.int(),
            dataKeysByMasterKey: z.record(z.string(), z.int()),
          }),
        },
      },
    },
    async (request) => {
      if (!isServicePrincipal(requirePrincipal(request))) {
        throw new ForbiddenError('Only a platform service may re-wrap the master key', { required: 'service' });
      }
      return rewrapUnderActiveMasterKey(deps.workerPool, deps.keyring);
    },
  );
}
