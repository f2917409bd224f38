import { ServiceUnavailableError } from '@bizosaas/ddd-kernel';

/** Anything with Prisma's `$queryRaw` tagged template: a PrismaClient or a transaction. */
export interface RawQueryClient {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
}

/**
 * Readiness probe: resolves when the database answers `SELECT 1` within `timeoutMs`,
 * else throws ServiceUnavailableError (503). Each call asks the pool afresh, so once
 * PostgreSQL is back after a restart the next probe passes.
 */
export async function checkDatabase(client: RawQueryClient, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([client.$queryRaw`SELECT 1`, timeout]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServiceUnavailableError('Database unavailable', { reason });
  } finally {
    clearTimeout(timer);
  }
}
