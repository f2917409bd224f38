// What the campaign bench puts in and takes out: contacts written straight into campaign's read
// model (as its lead.* consumer would have), campaign.created and campaign.launched as
// domain-repository publishes them, and the removal of a bench tenant's rows and stream entries.
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { createEvent, type DomainEvent } from '@bizosaas/event-schemas';
import { createPublisher } from '@bizosaas/messaging';

/** Tables of campaign and its event store holding a tenant's rows. */
const TENANT_TABLES = [
  'campaign.sends',
  'campaign.skips',
  'campaign.enrolments',
  'campaign.executions',
  'campaign.plans',
  'campaign.campaigns',
  'campaign.contacts',
  'campaign_event_store.outbox',
  'campaign_event_store.events',
];

/**
 * `count` new leads of the tenant in one INSERT ... SELECT, addresses `r<i>.<tag>@bench.example.test`,
 * a second apart in creation time; then ANALYZE, what autovacuum does after such an insert, only sooner.
 */
export async function seedContacts(owner: pg.Pool, tenantId: string, count: number, tag: string): Promise<number> {
  const started = performance.now();
  await owner.query(
    `INSERT INTO campaign.contacts (tenant_id, contact_id, kind, email, first_name, last_name, status, source,
       created_at, version, updated_at)
     SELECT $1, gen_random_uuid(), 'lead', 'r' || s || '.' || $3 || '@bench.example.test', 'Ann' || s, 'Lee', 'new',
       'website_form', now() - s * interval '1 second', 1, now()
     FROM generate_series(1, $2::int) AS s`,
    [tenantId, count, tag],
  );
  await owner.query('ANALYZE campaign.contacts');
  return (performance.now() - started) / 1000;
}

export const addressOf = (i: number, tag: string) => `r${i}.${tag}@bench.example.test`;

/** campaign.created (an email campaign) and campaign.launched of one campaign, as domain-repository emits them. */
export function campaignEvents(tenantId: string, campaignId: string, userId: string): [DomainEvent, DomainEvent] {
  const actor = { type: 'user' as const, id: userId };
  const created = createEvent({
    type: 'campaign.created',
    tenantId,
    aggregateId: campaignId,
    aggregateVersion: 1,
    actor,
    data: {
      name: 'Bench promo',
      campaignType: 'email',
      objective: 'lead_generation',
      channels: ['email'],
      budget: { totalBudget: '1000.00', dailyBudget: null, currency: 'USD' },
      schedule: { startDate: new Date().toISOString(), endDate: null },
    },
  }) as DomainEvent;
  const launched = createEvent({
    type: 'campaign.launched',
    tenantId,
    aggregateId: campaignId,
    aggregateVersion: 2,
    actor,
    causedBy: created,
    data: { channels: ['email'], scheduledEndDate: null },
  }) as DomainEvent;
  return [created, launched];
}

export async function publish(redis: Redis, namespace: string, event: DomainEvent): Promise<void> {
  await createPublisher({ redis, namespace }).publish(event);
}

/** Deletes the tenant's rows from campaign's tables and event store (the bench database's owner bypasses RLS). */
export async function deleteTenant(owner: pg.Pool, tenantId: string): Promise<void> {
  for (const table of TENANT_TABLES) await owner.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [tenantId]);
}

/**
 * Deletes the entries of the bench's tenants that the services' relays published on the shared
 * streams (`bizosaas:events:{...}`) since `sinceId`: a 100,000-recipient run leaves ~100 MB there.
 * Only those entries: other processes read the same streams.
 */
export async function dropPublished(redis: Redis, tenantIds: ReadonlySet<string>, sinceId: string): Promise<number> {
  let dropped = 0;
  const keys: string[] = [];
  for await (const page of redis.scanStream({ match: 'bizosaas:events:{*}', type: 'stream', count: 1000 }))
    keys.push(...(page as string[]));
  for (const key of keys) {
    for (let start = sinceId; ;) {
      const page = await redis.xrange(key, start, '+', 'COUNT', 1000);
      const ours = page.filter(([, fields]) => tenantIds.has(fields[fields.indexOf('tenantId') + 1] ?? ''));
      if (ours.length > 0) dropped += await redis.xdel(key, ...ours.map(([id]) => id));
      if (page.length < 1000) break;
      start = `(${page.at(-1)![0]}`;
    }
  }
  return dropped;
}

/** A process's peak resident set (VmHWM), MB; undefined when /proc does not tell. */
export function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
    return line ? Math.round(Number(line[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
