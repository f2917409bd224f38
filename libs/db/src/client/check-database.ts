import { ServiceUnavailableError } from '@bizosaas/ddd-kernel';

/** Anything with Prisma's `$queryRaw` tagged template: a PrismaClient or a transaction. */
export interface RawQueryClient {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
}

/** What a probe can ask: a Prisma client, or a pg pool or client. */
export type DatabaseProbeTarget = RawQueryClient | { query(text: string): PromiseLike<unknown> };

const selectOne = (target: DatabaseProbeTarget) =>
  '$queryRaw' in target ? target.$queryRaw`SELECT 1` : target.query('SELECT 1');

/**
 * Readiness probe: resolves when the database answers `SELECT 1` within `timeoutMs`,
 * else throws ServiceUnavailableError (503). Each call asks the pool afresh, so once
 * PostgreSQL is back after a restart the next probe passes.
 */
export async function checkDatabase(target: DatabaseProbeTarget, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([selectOne(target), timeout]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServiceUnavailableError('Database unavailable', { reason });
  } finally {
    clearTimeout(timer);
  }
}
