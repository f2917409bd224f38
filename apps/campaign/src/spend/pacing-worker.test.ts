import { describe, expect, it } from 'vitest';
import { commandIdempotencyKey, commandRequest, retryDelayMs, type ClaimedCommand } from './pacing-worker.ts';

const campaignId = '0192f5a4-0b1c-7d2e-9f30-415263748596';
const command: ClaimedCommand = {
  tenantId: '3f2b8a4e-6c1d-4e9f-a7b5-0c9d8e7f6a5b',
  campaignId,
  limit: 'daily',
  periodKey: '2026-12-05',
  period: '2026-12-05',
  action: 'pause',
  eventId: '0192f5a4-3333-7d2e-9f30-415263748596',
  spent: '200.00',
  cap: '200.00',
  currency: 'USD',
  attempts: 1,
};
const completion: ClaimedCommand = { ...command, limit: 'total', periodKey: 'total', action: 'complete' };

describe('pacing commands to domain-repository', () => {
  it("pauses with a reason naming the cap (domain-repository's pause body)", () => {
    expect(commandRequest(command)).toEqual({
      path: `/api/v1/campaigns/${campaignId}/pause`,
      body: { reason: 'Pacing: the day 2026-12-05 reached its spend cap (200.00 USD spent, cap 200.00 USD)' },
    });
    expect(commandRequest({ ...command, limit: 'monthly', periodKey: '2026-12', period: '2026-12-01' }).body).toEqual({
      reason: 'Pacing: the month 2026-12 reached its spend cap (200.00 USD spent, cap 200.00 USD)',
    });
  });

  it('completes with the reason budget_exhausted and a note', () => {
    expect(commandRequest(completion)).toEqual({
      path: `/api/v1/campaigns/${campaignId}/complete`,
      body: { reason: 'budget_exhausted', note: 'Total budget spent (200.00 USD spent, cap 200.00 USD)' },
    });
  });

  it('keys every attempt of one row alike, and rows apart', () => {
    expect(commandIdempotencyKey({ ...completion, attempts: 7 })).toBe(commandIdempotencyKey(completion));
    expect(commandIdempotencyKey(completion)).not.toBe(commandIdempotencyKey(command));
  });

  it('waits twice as long after each failed attempt, at most 5 minutes', () => {
    expect([1, 2, 3, 10, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 300_000, 300_000]);
  });
});
