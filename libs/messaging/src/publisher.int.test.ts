import { createEvent, parseEvent, type EventEnvelope } from '@bizosaas/event-schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { createPublisher } from './publisher.ts';
import { fieldValue } from './stream-entry.ts';
import { eventStreamKey } from './stream-names.ts';
import { deleteNamespace, leadCreated, testRedis, uniqueNamespace } from './test-support.ts';

const namespace = uniqueNamespace('publisher');
const redis = testRedis('publisher');
const publisher = createPublisher({ redis, namespace });
const leads = eventStreamKey('lead', namespace);

afterAll(async () => {
  await deleteNamespace(redis, namespace);
  await redis.quit();
});

const campaignLaunched = (): EventEnvelope =>
  createEvent({
    type: 'campaign.launched',
    tenantId: '3f2b8a4e-6c1d-4e9f-a7b5-0c9d8e7f6a5b',
    actor: { type: 'system', id: 'scheduler' },
    data: { channels: ['email'], scheduledEndDate: null },
  });

describe('publisher', () => {
  it('XADDs the envelope JSON plus flat filter fields to its aggregate stream', async () => {
    const event = leadCreated();
    const entryId = await publisher.publish(event);
    const [[id, fields]] = (await redis.xrange(leads, entryId, entryId)) as [[string, string[]]];
    expect(id).toBe(entryId);
    expect(fieldValue(fields, 'id')).toBe(event.id);
    expect(fieldValue(fields, 'type')).toBe('lead.created');
    expect(fieldValue(fields, 'tenantId')).toBe(event.tenantId);
    expect(fieldValue(fields, 'aggregateId')).toBe(event.aggregateId);
    expect(parseEvent(JSON.parse(fieldValue(fields, 'envelope')!))).toEqual(event);
  });

  it('publishes many events in one pipeline, in order, untrimmed', async () => {
    const before = await redis.xlen(leads);
    const events = Array.from({ length: 300 }, (_, i) => leadCreated(`lead${i}@example.com`));
    const entryIds = await publisher.publishMany(events);
    const stored = await redis.xrange(leads, entryIds[0]!, '+');
    expect(stored.map(([id]) => id)).toEqual(entryIds);
    expect(stored.map(([, fields]) => fieldValue(fields, 'id'))).toEqual(events.map((event) => event.id));
    expect(await redis.xlen(leads)).toBe(before + 300);
  });

  it('routes each event by aggregate type', async () => {
    const [leadEntry, campaignEntry] = await publisher.publishMany([leadCreated(), campaignLaunched()]);
    expect(await redis.xrange(leads, leadEntry!, leadEntry!)).toHaveLength(1);
    expect(await redis.xrange(eventStreamKey('campaign', namespace), campaignEntry!, campaignEntry!)).toHaveLength(1);
  });

  it('does nothing for an empty batch', async () => {
    await expect(publisher.publishMany([])).resolves.toEqual([]);
  });

  it('reports which events of a batch failed and which were published', async () => {
    const broken = uniqueNamespace('publisher-broken');
    await redis.set(eventStreamKey('lead', broken), 'not a stream');
    const partial = createPublisher({ redis, namespace: broken });
    const lead = leadCreated();
    const campaign = campaignLaunched();
    const error = await partial.publishMany([lead, campaign]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: {
        failed: [{ eventId: lead.id, reason: expect.stringContaining('WRONGTYPE') }],
        published: [{ eventId: campaign.id, entryId: expect.any(String) }],
      },
    });
    await deleteNamespace(redis, broken);
  });
});
