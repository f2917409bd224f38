import { ValidationError } from '@bizosaas/ddd-kernel';
import pg from 'pg';
import { TENANT_SETTING } from '../migrations/tenant-rls.ts';

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

export interface PgTransactionOptions {
  /** Sets `app.current_tenant_id` for the transaction (SET LOCAL): row-level security shows only that tenant's rows. */
  tenantId?: string;
  /** Default: the server's (READ COMMITTED). */
  isolation?: IsolationLevel;
  /** Further transaction-local settings, e.g. `{ synchronous_commit: 'off' }`. */
  settings?: Readonly<Record<string, string>>;
}

/** A pool hands out a client per transaction; a held client (a session's own connection) runs it in place. */
export type TransactionTarget = pg.Pool | pg.ClientBase;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISOLATION_LEVELS: ReadonlySet<string> = new Set(['READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE']);

/**
 * Runs `work` in one transaction: BEGIN (with the isolation level, the tenant and any local
 * settings in the same round trip), COMMIT when `work` resolves, ROLLBACK and rethrow when it
 * throws. A COMMIT that rolled back (a statement failed and `work` swallowed the error) throws.
 * Given a pool, the connection goes back to it afterwards, or is destroyed when ROLLBACK failed
 * (the connection broke), so a dead connection is never handed out again. Given a held client,
 * the transaction runs on it and the client stays the caller's.
 *
 * @throws ValidationError when `tenantId` is not a UUID (before a connection is taken).
 */
export function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options?: PgTransactionOptions,
): Promise<T>;
export function withTransaction<T, C extends pg.ClientBase>(
  client: C,
  work: (client: C) => Promise<T>,
  options?: PgTransactionOptions,
): Promise<T>;
export async function withTransaction<T>(
  target: TransactionTarget,
  work: (client: never) => Promise<T>,
  options: PgTransactionOptions = {},
): Promise<T> {
  const begin = beginStatement(options);
  const run = work as (client: pg.ClientBase) => Promise<T>;
  if (!isPool(target)) return transact(target, begin, run, ignore);
  const client = await target.connect();
  let broken: Error | undefined;
  try {
    return await transact(client, begin, run, (error) => (broken = error));
  } finally {
    client.release(broken);
  }
}

async function transact<T>(
  client: pg.ClientBase,
  begin: string,
  work: (client: pg.ClientBase) => Promise<T>,
  onBroken: (error: Error) => void,
): Promise<T> {
  // A session ended mid-transaction (terminated, idle timeout) is reported as an 'error' event,
  // which would crash the process without a listener; the pending or next query fails instead.
  client.on('error', ignore);
  try {
    await client.query(begin);
    const result = await work(client);
    const committed = await client.query('COMMIT');
    if (committed.command !== 'COMMIT')
      throw new Error('transaction was rolled back at COMMIT (a statement in it failed)');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(onBroken);
    throw error;
  } finally {
    client.off('error', ignore);
  }
}

const ignore = () => {};

/** `pg.Pool` has `totalCount`; a client (pooled or not) does not. */
function isPool(target: TransactionTarget): target is pg.Pool {
  return 'totalCount' in target;
}

function beginStatement({ tenantId, isolation, settings = {} }: PgTransactionOptions): string {
  if (tenantId !== undefined && !UUID.test(tenantId)) {
    throw new ValidationError('Invalid tenant id', [{ path: 'tenantId', message: 'must be a UUID' }]);
  }
  if (isolation !== undefined && !ISOLATION_LEVELS.has(isolation))
    throw new Error(`Unknown isolation level: ${String(isolation)}`);
  const local = { ...settings, ...(tenantId !== undefined && { [TENANT_SETTING]: tenantId }) };
  // Literals are escaped (the tenant id is a checked UUID besides), so one simple-protocol
  // query carries BEGIN and the settings: one round trip instead of two or three per transaction.
  const sets = Object.entries(local).map(
    ([name, value]) => `set_config(${pg.escapeLiteral(name)}, ${pg.escapeLiteral(value)}, true)`,
  );
  const opening = isolation === undefined ? 'BEGIN' : `BEGIN ISOLATION LEVEL ${isolation}`;
  return sets.length === 0 ? opening : `${opening}; SELECT ${sets.join(', ')}`;
}
