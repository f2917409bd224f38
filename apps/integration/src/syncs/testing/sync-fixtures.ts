// What the sync tests share: connections stored as the connections feature stores them (sealed
// under the tenant's data key), the sync routes, and the events the syncs published.
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@bizosaas/db';
import { createDataKeyStore, createMasterKeyring } from '@bizosaas/envelope-encryption';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import { ENVELOPE_FIELD, eventStreamKey, fieldValue } from '@bizosaas/messaging';
import { insertConnection } from '../../connections/connection-store.ts';
import { expect, type TestApp } from '../../test-support.ts';

type Caller = { headers: Record<string, string>; tenantId: string };

/** Stores an OAuth 2 connection of `provider` holding `accessToken`. */
export async function oauthConnection(
  t: TestApp,
  tenantId: string,
  provider: string,
  accessToken: string,
  externalAccountId: string | null = null,
): Promise<string> {
  const dataKeys = createDataKeyStore({
    pool: t.pool,
    keyring: createMasterKeyring(t.config.INTEGRATION_MASTER_KEYS),
    table: { schema: 'integration', name: 'tenant_data_keys' },
    cacheSize: 10,
    activeRefreshMs: 60_000,
  });
  const id = randomUUID();
  await withTransaction(
    t.pool,
    (client) =>
      insertConnection(
        client,
        { dataKeys },
        {
          id,
          tenantId,
          provider,
          credentials: { type: 'oauth2', accessToken, refreshToken: 'refresh', tokenType: 'Bearer', expiresAt: null },
          scopes: [],
          externalAccountId,
          displayName: null,
        },
        new Date(),
      ),
    { tenantId },
  );
  return id;
}

export async function createSync(t: TestApp, caller: Caller, body: Record<string, unknown>) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/integrations/syncs',
    headers: caller.headers,
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

export async function startRunOf(t: TestApp, caller: Caller, syncId: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/integrations/syncs/${syncId}/run`,
    headers: caller.headers,
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json<{ runId: string }>().runId;
}

export interface RunCounts {
  id: string;
  status: string;
  pages: number;
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  error: string | null;
}

export async function runsOf(t: TestApp, caller: Caller, syncId: string): Promise<RunCounts[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/integrations/syncs/${syncId}/runs`,
    headers: caller.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: RunCounts[] }>().items;
}

/** Every event the sync's aggregate published so far (relayed to the integration_sync stream). */
export async function syncEvents(t: TestApp, syncId: string): Promise<EventEnvelope[]> {
  const entries = await t.redis.xrange(eventStreamKey('integration_sync', t.config.EVENT_STREAM_NAMESPACE), '-', '+');
  return entries
    .map(([, fields]) => JSON.parse(fieldValue(fields, ENVELOPE_FIELD)!) as EventEnvelope)
    .filter((event) => event.aggregateId === syncId);
}

type RecordsData = { provenance: { page: number }; records: { externalId: string; change: string }[] };

/** The records of the sync's records_changed events, by change. */
export async function changedRecords(t: TestApp, syncId: string, runId?: string) {
  const events = (await syncEvents(t, syncId)).filter(
    (e) => e.type === 'integration.records_changed' && (runId === undefined || e.correlationId === runId),
  );
  const records = events.flatMap((e) => (e.data as RecordsData).records);
  const ids = (change: string) => records.filter((r) => r.change === change).map((r) => r.externalId);
  return { events, records, created: ids('created'), updated: ids('updated'), deleted: ids('deleted') };
}
