import { describe, expect, it } from 'vitest';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { translateNotification } from './crm-adapters.ts';

const syncId = '0192f5a4-2c3d-7e4f-8a50-617283940a1b';
const record = (over: Record<string, unknown> = {}) => ({
  id: '151',
  properties: {
    email: 'ada@example.com',
    firstname: 'Ada',
    lastname: 'Lovelace',
    phone: null,
    company: 'Engines',
    jobtitle: 'Engineer',
    hs_lead_status: 'UNQUALIFIED',
  },
  createdAt: '2025-01-06T09:00:00.000Z',
  updatedAt: '2025-01-07T09:00:00.000Z',
  archived: false,
  ...over,
});
const page = (results: unknown[], source: Record<string, unknown> = {}) => ({
  source: { type: 'integration_sync', syncId, runId: '0192f5a4-2c3d-7e4f-8a50-617283940a1c', page: 3, ...source },
  results,
});

describe('hubspot adapter: a page of whole records forwarded by a sync', () => {
  it('makes each record a notification carrying its whole state, never read back', () => {
    const [n] = translateNotification.hubspot(page([record({ properties: { email: 'ada@example.com' } })]));
    expect(n).toMatchObject({
      externalEventId: expect.stringMatching(new RegExp(`^sync:${syncId}:151:[0-9a-f]{64}$`)),
      eventType: 'contact.sync_record',
      entity: 'contact',
      changeType: 'update',
      occurredAt: '2025-01-07T09:00:00.000Z',
      occurredAtField: 'results.0.updatedAt',
    });
    expect(n!.changes).toEqual([
      {
        target: 'lead',
        entity: 'contact',
        externalId: '151',
        changeType: 'update',
        refetch: false,
        complete: true,
        // Properties the record lacks are cleared: the page holds the whole record.
        fields: {
          email: 'ada@example.com',
          firstName: null,
          lastName: null,
          phone: null,
          company: null,
          jobTitle: null,
          status: null,
          stage: null,
        },
      },
    ]);
    expect(translateNotification.hubspot(page([record()]))[0]!.changes[0]!.fields).toMatchObject({
      status: 'UNQUALIFIED',
      stage: 'disqualified',
    });
  });

  it('an archived record is a deletion dated when it was archived', () => {
    const [n] = translateNotification.hubspot(
      page([record({ properties: {}, archived: true, archivedAt: '2025-02-01T00:00:00.000Z' })]),
    );
    expect(n).toMatchObject({
      changeType: 'delete',
      eventType: 'contact.sync_archived',
      occurredAtField: 'results.0.archivedAt',
    });
    expect(n!.changes[0]).toMatchObject({ changeType: 'delete', fields: {}, complete: false });
  });

  it('identifies a record by sync, id and version: the same version forwarded again is the same notification', () => {
    const id = (body: unknown) => translateNotification.hubspot(body)[0]!.externalEventId;
    const first = id(page([record()]));
    // Another run or page, properties in another order, another archivedAt: the same version.
    const reordered = { ...record().properties };
    expect(
      id(page([record({ properties: Object.fromEntries(Object.entries(reordered).reverse()) })], { page: 9 })),
    ).toBe(first);
    expect(id(page([record()], { runId: undefined, page: undefined }))).toBe(first);
    // A new version, or the same record of another sync: another notification.
    expect(id(page([record({ updatedAt: '2025-01-08T09:00:00.000Z' })]))).not.toBe(first);
    expect(id(page([record({ properties: { ...reordered, jobtitle: 'CTO' } })]))).not.toBe(first);
    expect(id(page([record()], { syncId: '0192f5a4-2c3d-7e4f-8a50-617283940a1d' }))).not.toBe(first);
  });

  it('refuses a malformed page, listing every problem', () => {
    try {
      translateNotification.hubspot({
        source: { type: 'webhook', syncId: 'x', extra: true },
        results: [record({ id: 'abc', updatedAt: 'yesterday' }), record({ archived: 'no' })],
      });
      throw new Error('expected a validation error');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const issues = (error as ValidationError).details.issues as { path: string }[];
      expect(issues.map((i) => i.path).sort()).toEqual([
        'results.0.id',
        'results.0.updatedAt',
        'results.1.archived',
        'source',
        'source.syncId',
        'source.type',
      ]);
    }
    expect(() => translateNotification.hubspot(page([]))).toThrow(ValidationError);
    expect(() =>
      translateNotification.hubspot(page(Array.from({ length: 101 }, (_, i) => record({ id: String(i + 1) })))),
    ).toThrow(ValidationError);
  });
});
