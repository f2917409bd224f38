// What the report tests share: lead events, a stand-in of the query engine and a CSV reader.
import { randomUUID } from 'node:crypto';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { createEvent, type DomainEvent } from '@bizosaas/event-schemas';
import type { RunQuery } from './query-csv.ts';

const actor = { type: 'user' as const, id: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4' };
const contact = {
  email: 'jane@example.com',
  firstName: 'Jane',
  lastName: null,
  phone: null,
  company: null,
  jobTitle: null,
};

export function leadCreated(tenantId: string, at: Date, campaignId: string | null = null): DomainEvent {
  return createEvent(
    {
      type: 'lead.created',
      tenantId,
      aggregateId: randomUUID(),
      aggregateVersion: 1,
      actor,
      data: { contact, source: 'website_form', utmParameters: {}, campaignId },
    },
    { now: () => at },
  );
}

export function leadQualified(tenantId: string, leadId: string, at: Date): DomainEvent {
  return createEvent(
    {
      type: 'lead.qualified',
      tenantId,
      aggregateId: leadId,
      aggregateVersion: 2,
      actor,
      data: {
        score: { totalScore: 80, behavioralScore: null, demographicScore: null, firmographicScore: null },
        method: 'manual',
        analysisId: null,
        notes: null,
      },
    },
    { now: () => at },
  );
}

/** The rows of a CSV whose values hold no comma, quote or line break (what these tests write). */
export function readCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const columns = (header ?? '').split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i], value])));
}

export const TEST_RUN = randomUUID();
let release: () => void = () => undefined;
/** Lets a 'wait' query finish. */
export const releaseWaitingQuery = () => release();

/**
 * Stands in for the query engine: a fixed daily series; `fail: 'refused'` is refused (a
 * VALIDATION_ERROR), `fail: 'crash'` throws a plain error, `fail: 'wait'` waits for releaseWaitingQuery.
 */
export const standInQuery: RunQuery = async (_client, _tenantId, { definition }) => {
  if (definition.fail === 'refused')
    throw new ValidationError('unknown metric', [{ path: 'metrics.0', message: 'unknown metric' }]);
  if (definition.fail === 'crash') throw new Error('connection reset');
  // Only this test run's: a report left waiting by an earlier, failed run is simply built.
  if (definition.fail === 'wait' && definition.run === TEST_RUN)
    await new Promise<void>((resolve) => (release = resolve));
  return {
    checkpoint: { transactionId: '7', globalPosition: '42' },
    answer: {
      results: [
        { bucket: '2026-12-01T00:00:00+01:00', dimensions: {}, metrics: { leadsCreated: 3, revenue: [] } },
        {
          bucket: '2026-12-02T00:00:00+01:00',
          dimensions: {},
          metrics: { leadsCreated: 5, revenue: [{ amount: '10.50', currency: 'EUR' }] },
        },
      ],
    },
  };
};
