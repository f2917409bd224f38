// Stores an OAuth 2 connection for a tenant as the connections feature does (credentials sealed
// under the tenant's data key), for benches that drive a replica over HTTP. Prints its id.
//   node --import tsx apps/integration/src/syncs/testing/seed-connection.ts
// env: DATABASE_URL, INTEGRATION_MASTER_KEYS (as the service), SEED_TENANT_ID, SEED_PROVIDER,
//      SEED_ACCESS_TOKEN, SEED_EXTERNAL_ACCOUNT_ID (optional)
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { loadConfigOrExit } from '@bizosaas/config';
import { createPgPool, withTransaction } from '@bizosaas/db';
import { createDataKeyStore, createMasterKeyring } from '@bizosaas/envelope-encryption';
import { insertConnection } from '../../connections/connection-store.ts';
import { configSchema } from '../../config.ts';

const seed = loadConfigOrExit(
  z.object({
    SEED_TENANT_ID: z.uuid(),
    SEED_PROVIDER: z.string().min(1),
    SEED_ACCESS_TOKEN: z.string().min(1),
    SEED_EXTERNAL_ACCOUNT_ID: z.string().min(1).optional(),
  }),
);
const config = loadConfigOrExit(configSchema);
const pool = createPgPool({ databaseUrl: config.DATABASE_URL, poolMax: 2, schema: 'integration' });
const dataKeys = createDataKeyStore({
  pool,
  keyring: createMasterKeyring(config.INTEGRATION_MASTER_KEYS, { activeId: config.INTEGRATION_ACTIVE_MASTER_KEY_ID }),
  table: { schema: 'integration', name: 'tenant_data_keys' },
  cacheSize: 10,
  activeRefreshMs: 60_000,
});
const id = randomUUID();
await withTransaction(
  pool,
  (client) =>
    insertConnection(
      client,
      { dataKeys },
      {
        id,
        tenantId: seed.SEED_TENANT_ID,
        provider: seed.SEED_PROVIDER,
        credentials: {
          type: 'oauth2',
          accessToken: seed.SEED_ACCESS_TOKEN,
          refreshToken: null,
          tokenType: 'Bearer',
          expiresAt: null,
        },
        scopes: [],
        externalAccountId: seed.SEED_EXTERNAL_ACCOUNT_ID ?? null,
        displayName: null,
      },
      new Date(),
    ),
  { tenantId: seed.SEED_TENANT_ID },
);
await pool.end();
console.log(id);
