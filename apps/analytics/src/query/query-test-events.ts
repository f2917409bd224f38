// Events and calls the query tests share: leads created and converted at given instants,
// published on the test app's namespace, and the query route called as a tenant.
import { randomUUID } from 'node:crypto';
import { createEvent, type DomainEvent } from '@bizosaas/event-schemas';
import { createPublisher } from '@bizosaas/messaging';
import { eventually, expect, type TestApp } from '../test-support.ts';

const actor = { type: 'user' as const, id: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4' };
const contact = { email: 'jane@example.com', firstName: 'Jane', lastName: null, phone: null, company: null };

type LeadSource = 'website_form' | 'paid_ads' | 'referral';

export function leadCreated(
  tenantId: string,
  at: Date,
  options: { leadId?: string; campaignId?: string | null; source?: LeadSource } = {},
): DomainEvent {
  return createEvent(
    {
      type: 'lead.created',
      tenantId,
      aggregateId: options.leadId ?? randomUUID(),
      aggregateVersion: 1,
      actor,
      data: {
        contact: { ...contact, jobTitle: null },
        source: options.source ?? 'website_form',
        utmParameters: {},
        campaignId: options.campaignId ?? null,
      },
    },
    { now: () => at },
  );
}

export function leadConverted(tenantId: string, leadId: string, at: Date, value: string, currency: string) {
  return createEvent(
    {
      type: 'lead.converted',
      tenantId,
      aggregateId: leadId,
      aggregateVersion: 2,
      actor,
      data: { customerId: randomUUID(), conversionValue: value, currency },
    },
    { now: () => at },
  );
}

export async function publishAll(t: TestApp, events: readonly DomainEvent[]): Promise<void> {
  const publisher = createPublisher({ redis: t.redis, namespace: t.config.EVENT_STREAM_NAMESPACE });
  for (const event of events) await publisher.publish(event);
}

export interface Caller {
  headers: Record<string, string>;
}

export const postQuery = (t: TestApp, caller: Caller, body: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/v1/analytics/query', headers: caller.headers, payload: body as object });

/** Waits until the tenant's events of the range number `count`, then answers `body` (200 expected). */
export async function queryOnceProjected(
  t: TestApp,
  caller: Caller,
  count: number,
  body: { dateRange: { from: string; to: string }; timezone?: string } & Record<string, unknown>,
) {
  await eventually(
    async () =>
      (await postQuery(t, caller, { metrics: ['events'], dateRange: body.dateRange, timezone: body.timezone })).json(),
    (answer) => expect(answer.results?.[0]?.metrics.events, JSON.stringify(answer)).toBe(count),
  );
  const response = await postQuery(t, caller, body);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** The label of a bucket written by hand: the local wall time of `utc` at a whole-hour offset. */
export function labelAt(utc: string, offsetHours: number): string {
  const local = new Date(Date.parse(utc) + offsetHours * 3_600_000).toISOString().slice(0, 19);
  const sign = offsetHours < 0 ? '-' : '+';
  return `${local}${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
}
