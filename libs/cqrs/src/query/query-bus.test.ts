import { ValidationError } from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createQueryBus, defineQuery } from './query-bus.ts';

const leads = [
  { tenantId: 't-1', id: 'l-1', status: 'new' },
  { tenantId: 't-1', id: 'l-2', status: 'qualified' },
  { tenantId: 't-2', id: 'l-3', status: 'new' },
];
const leadList = defineQuery({
  type: 'lead.list',
  schema: z.object({
    status: z.enum(['new', 'qualified']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).optional(),
  }),
  handle: async (params, context) =>
    leads.filter((l) => l.tenantId === context.tenantId && (!params.status || l.status === params.status)).slice(0, params.limit),
});
const bus = createQueryBus().register(leadList);

describe('query bus', () => {
  it('validates params and answers from the read model with the caller context', async () => {
    const answer = await bus.execute({ type: 'lead.list', params: { limit: '1' } }, { tenantId: 't-1' });
    expect(answer).toEqual([{ tenantId: 't-1', id: 'l-1', status: 'new' }]);
    expect(await bus.execute({ type: 'lead.list', params: { status: 'qualified' } }, { tenantId: 't-1' })).toHaveLength(1);
  });

  it('reports every bad param in one VALIDATION_ERROR located in the query', async () => {
    const error = await bus.execute({ type: 'lead.list', params: { status: 'lost' as never, limit: 0, cursor: '' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details.issues).toEqual([
      { path: 'status', message: expect.any(String), location: 'query' },
      { path: 'limit', message: expect.any(String), location: 'query' },
      { path: 'cursor', message: expect.any(String), location: 'query' },
    ]);
  });

  it('refuses unknown and duplicate query types', async () => {
    await expect(bus.execute({ type: 'lead.other' as 'lead.list', params: {} })).rejects.toThrow('No handler registered for query "lead.other"');
    expect(() => bus.register(leadList)).toThrow('Query "lead.list" is already registered');
  });
});
