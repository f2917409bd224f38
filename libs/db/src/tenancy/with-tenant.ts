import { ValidationError } from '@bizosaas/ddd-kernel';

/** The interactive-transaction options Prisma accepts. */
export interface TransactionOptions {
  maxWait?: number;
  timeout?: number;
  isolationLevel?: 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
}

/** What `withTenant` needs of a transaction: Prisma's `$executeRaw` tagged template. */
export interface RawExecutor {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/**
 * Any Prisma client (generated, or extended with `$extends`) through the interactive
 * `$transaction(fn)` form; `Tx` is inferred as that client's transaction type.
 */
export interface TransactionalClient<Tx extends RawExecutor> {
  $transaction<R>(work: (tx: Tx) => Promise<R>, options?: TransactionOptions): PromiseLike<R>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `work` in one transaction scoped to a tenant: first `set_config('app.current_tenant_id',
 * $1, true)` (SET LOCAL, parameterised), so row-level security shows and accepts only that
 * tenant's rows until commit or rollback. Throws ValidationError if `tenantId` is not a UUID.
 */
export async function withTenant<Tx extends RawExecutor, R>(
  client: TransactionalClient<Tx>,
  tenantId: string,
  work: (tx: Tx) => Promise<R>,
  options?: TransactionOptions,
): Promise<R> {
  if (!UUID.test(tenantId)) {
    throw new ValidationError('Invalid tenant id', [{ path: 'tenantId', message: 'must be a UUID' }]);
  }
  return client.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.current_tenant_id', ${tenantId}, true)`;
    return work(tx);
  }, options);
}
