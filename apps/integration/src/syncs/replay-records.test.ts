import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordsChanged, type ChangedRecord } from './run-events.ts';
import { replayedPages } from './replay-records.ts';
import { contactRecord } from './sources/hubspot-contacts.ts';

const ref = {
  tenantId: randomUUID(),
  syncId: randomUUID(),
  runId: randomUUID(),
  connectionId: randomUUID(),
  model: 'contacts',
};
const at = new Date('2026-12-01T10:00:00.000Z');
const provenance = { page: 3, cursor: '201', providerRequestId: 'req-3' };

function contact(id: string, jobtitle = 'Engineer'): ChangedRecord {
  const { externalId, contentHash, fields } = contactRecord({
    id,
    properties: { email: `c${id}@example.com`, firstname: 'Ada', lastname: null, jobtitle },
    createdAt: '2025-01-06T09:00:00.000Z',
    updatedAt: '2025-01-06T10:00:00.000Z',
    archived: false,
  });
  return { externalId, change: 'created', contentHash, fields };
}

const eventOf = (records: ChangedRecord[], syncId = ref.syncId) =>
  JSON.parse(JSON.stringify(recordsChanged({ ...ref, syncId }, 'hubspot', provenance, records, () => at))) as unknown;

describe('an archived records_changed event read back for a replay', () => {
  it('gives each record as the live run forwarded it, dated when the sync saw the change', () => {
    const deleted: ChangedRecord = { externalId: '9', change: 'deleted', contentHash: 'sha256:9', fields: null };
    const [page, ...more] = replayedPages(
      eventOf([contact('7'), { ...contact('8', 'Manager'), change: 'updated' }, deleted]),
      ref.syncId,
    );
    expect(more).toEqual([]);
    expect(page).toEqual({
      runId: ref.runId,
      page: 3,
      changes: { created: 1, updated: 1, deleted: 1 },
      records: [
        {
          id: '7',
          properties: { email: 'c7@example.com', firstname: 'Ada', lastname: null, jobtitle: 'Engineer' },
          createdAt: at.toISOString(),
          updatedAt: at.toISOString(),
          archived: false,
        },
        {
          id: '8',
          properties: { email: 'c8@example.com', firstname: 'Ada', lastname: null, jobtitle: 'Manager' },
          createdAt: at.toISOString(),
          updatedAt: at.toISOString(),
          archived: false,
        },
        {
          id: '9',
          properties: {},
          createdAt: at.toISOString(),
          updatedAt: at.toISOString(),
          archived: true,
          archivedAt: at.toISOString(),
        },
      ],
    });
  });

  it('splits a page of more than 100 records as domain-repository takes them, counting each part', () => {
    const records = Array.from({ length: 250 }, (_, i) => contact(String(i + 1)));
    const pages = replayedPages(eventOf(records), ref.syncId);
    expect(pages.map((p) => [p.records.length, p.changes.created, p.page])).toEqual([
      [100, 100, 3],
      [100, 100, 3],
      [50, 50, 3],
    ]);
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(records.map((r) => r.externalId));
  });

  it('refuses fields still sealed (a token of another tenant), and an event of another sync', () => {
    const sealed = { ...contact('7'), fields: 'enc:v1:1:c2VhbGVkIGZpZWxkcw==' };
    expect(() => replayedPages(eventOf([sealed]), ref.syncId)).toThrow(/sealed/);
    expect(() => replayedPages(eventOf([contact('7')], randomUUID()), ref.syncId)).toThrow(
      /not a records_changed event of sync/,
    );
  });
});
