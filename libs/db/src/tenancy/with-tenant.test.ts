import { describe, expect, it } from 'vitest';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { withTenant } from './with-tenant.ts';
import type { RawExecutor, TransactionalClient } from './with-tenant.ts';

const untouchable: TransactionalClient<RawExecutor> = {
  $transaction: () => {
    throw new Error('the database must not be reached');
  },
};

describe('withTenant', () => {
  it.each(['', 'tenant-a', "00000000-0000-0000-0000-000000000000' OR '1'='1", '0000000-0000-0000-0000-0000000000000'])(
    'rejects %j with ValidationError before opening a transaction',
    async (tenantId) => {
      const error = await withTenant(untouchable, tenantId, async () => 'done').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({
        code: 'VALIDATION_ERROR',
        details: { issues: [{ path: 'tenantId', message: 'must be a UUID' }] },
      });
    },
  );
});
