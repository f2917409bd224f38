import { ValidationError } from '@bizosaas/ddd-kernel';
import type { Pool, PoolClient } from 'pg';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `work` in one transaction scoped to a tenant (`app.current_tenant_id`, transaction-local),
 * so row-level security shows and accepts only that tenant's rows. Commits when `work` resolves,
 * rolls back when it throws (and rethrows). BEGIN and the setting travel in one round trip.
 *
 * @throws ValidationError when `tenantId` is not a UUID (before a connection is taken).
 */
export async function inTenantTransaction<T>(
  pool: Pool,
  tenantId: string,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  if (!UUID.test(tenantId)) {
    throw new ValidationError('Invalid tenant id', [{ path: 'tenantId', message: 'must be a UUID' }]);
  }
  // The id matched the UUID pattern, so inlining it is safe; one simple-protocol query instead
  // of BEGIN plus a parameterised set_config saves a round trip on every command.
  return run(pool, `BEGIN; SELECT set_config('app.current_tenant_id', '${tenantId}', true)`, work);
}

/** Runs `work` in one transaction without a tenant (worker role: relay, projections, readAll). */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return run(pool, 'BEGIN', work);
}

async function run<T>(pool: Pool, begin: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A failed ROLLBACK means the connection is unusable: destroy it instead of pooling it.
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
