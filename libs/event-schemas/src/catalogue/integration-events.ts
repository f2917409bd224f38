import { z } from 'zod';
import { defineEvent } from '../define-event.ts';
import { sensitive } from '../sensitive.ts';
import { currency, moneyAmount } from './values.ts';

// A connection is one aggregate (aggregateType integration_connection, aggregateId = connection
// id); a sync another (integration_sync, aggregateId = sync id). A received webhook is an event of
// its own (integration_webhook, its own id).

const provider = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'must be a provider key');
const count = z.int().min(0);

export const integrationConnectionCreated = defineEvent({
  type: 'integration.connection_created',
  aggregateType: 'integration_connection',
  description: 'A tenant connected a provider account (OAuth 2 grant or API key).',
  data: z.object({
    provider,
    authType: z.enum(['oauth2', 'api_key']),
    scopes: z.array(z.string().max(200)).max(100),
    externalAccountId: z.string().max(200).nullable(),
  }),
  example: {
    provider: 'hubspot',
    authType: 'oauth2',
    scopes: ['crm.objects.contacts.read'],
    externalAccountId: '1234',
  },
});

export const integrationConnectionBroken = defineEvent({
  type: 'integration.connection_broken',
  aggregateType: 'integration_connection',
  description:
    'The provider no longer accepts the connection (refresh token revoked or expired: invalid_grant); it needs the tenant to reconnect.',
  data: z.object({
    provider,
    reason: z.enum(['invalid_grant', 'unauthorized', 'revoked']),
    detail: z.string().max(500),
  }),
  example: { provider: 'hubspot', reason: 'invalid_grant', detail: 'refresh token is invalid, expired or revoked' },
});

export const integrationConnectionDeleted = defineEvent({
  type: 'integration.connection_deleted',
  aggregateType: 'integration_connection',
  description: 'The tenant deleted the connection: revoked at the provider where it can be, every trace removed.',
  data: z.object({ provider, revokedAtProvider: z.boolean() }),
  example: { provider: 'hubspot', revokedAtProvider: true },
});

const runRef = { connectionId: z.uuid(), runId: z.uuid(), model: z.string().min(1).max(50) };

export const integrationSyncStarted = defineEvent({
  type: 'integration.sync_started',
  aggregateType: 'integration_sync',
  description: 'A sync run started (on schedule, on demand, or resuming a run that stopped).',
  data: z.object({
    ...runRef,
    mode: z.enum(['incremental', 'full']),
    trigger: z.enum(['schedule', 'manual', 'resume']),
  }),
  example: {
    connectionId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b',
    runId: '0192f5a4-2c3d-7e4f-8a50-617283940a1c',
    model: 'contacts',
    mode: 'incremental',
    trigger: 'schedule',
  },
});

const counts = z.object({
  pages: count,
  fetched: count,
  created: count,
  updated: count,
  deleted: count,
  unchanged: count,
});

export const integrationSyncCompleted = defineEvent({
  type: 'integration.sync_completed',
  aggregateType: 'integration_sync',
  description: 'A sync run finished; the counts say what changed.',
  data: z.object({ ...runRef, counts }),
  example: {
    connectionId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b',
    runId: '0192f5a4-2c3d-7e4f-8a50-617283940a1c',
    model: 'contacts',
    counts: { pages: 3, fetched: 250, created: 10, updated: 5, deleted: 0, unchanged: 235 },
  },
});

export const integrationSyncFailed = defineEvent({
  type: 'integration.sync_failed',
  aggregateType: 'integration_sync',
  description: 'A sync run stopped on an error; the next run resumes from the last committed page.',
  data: z.object({ ...runRef, error: z.string().max(1000), counts }),
  example: {
    connectionId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b',
    runId: '0192f5a4-2c3d-7e4f-8a50-617283940a1c',
    model: 'contacts',
    error: 'hubspot answered 503',
    counts: { pages: 1, fetched: 100, created: 100, updated: 0, deleted: 0, unchanged: 0 },
  },
});

export const integrationRecordsChanged = defineEvent({
  type: 'integration.records_changed',
  aggregateType: 'integration_sync',
  description:
    'One page of a sync changed these records (unchanged ones are left out); the provenance says where they came from.',
  data: z.object({
    ...runRef,
    provider,
    /** Where the page came from: the cursor it started at and the provider's request id. */
    provenance: z.object({
      page: z.int().min(1),
      cursor: z.string().max(2000).nullable(),
      providerRequestId: z.string().max(200).nullable(),
    }),
    records: z
      .array(
        z.object({
          externalId: z.string().min(1).max(200),
          change: z.enum(['created', 'updated', 'deleted']),
          contentHash: z.string().max(100),
          /** The record's fields as the provider gave them (personal data: sealed on the archive). */
          fields: sensitive(z.string().max(100_000)).nullable(),
          /**
           * The provider's times of this version of a CRM record, as the run forwarded it (the
           * version domain-repository derives its notification id from); absent in older events.
           */
          providerVersion: z
            .object({ createdAt: z.string().max(40), updatedAt: z.string().max(40) })
            .nullable()
            .optional(),
        }),
      )
      .max(1000),
  }),
  example: {
    connectionId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b',
    runId: '0192f5a4-2c3d-7e4f-8a50-617283940a1c',
    model: 'contacts',
    provider: 'hubspot',
    provenance: { page: 1, cursor: null, providerRequestId: 'req-123' },
    records: [
      {
        externalId: '51',
        change: 'created',
        contentHash: 'sha256:1a2b',
        fields: '{"email":"jane.doe@example.com","firstname":"Jane"}',
      },
    ],
  },
});

export const integrationAdMetricsSynced = defineEvent({
  type: 'integration.ad_metrics_synced',
  aggregateType: 'integration_sync',
  description: "An ads platform's daily campaign metrics for one day (money as decimal strings).",
  data: z.object({
    ...runRef,
    provider,
    date: z.iso.date(),
    currency,
    campaigns: z
      .array(
        z.object({
          externalCampaignId: z.string().min(1).max(100),
          name: z.string().max(500).nullable(),
          spend: moneyAmount,
          clicks: count,
          impressions: count,
          conversions: z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, 'must be a decimal string'),
        }),
      )
      .max(10_000),
  }),
  example: {
    connectionId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b',
    runId: '0192f5a4-2c3d-7e4f-8a50-617283940a1c',
    model: 'campaign_metrics',
    provider: 'google_ads',
    date: '2026-12-05',
    currency: 'USD',
    campaigns: [
      {
        externalCampaignId: '123',
        name: 'Spring',
        spend: '120.50',
        clicks: 300,
        impressions: 12000,
        conversions: '12.5',
      },
    ],
  },
});

export const integrationWebhookReceived = defineEvent({
  type: 'integration.webhook_received',
  aggregateType: 'integration_webhook',
  description: "A provider's signed webhook, verified and deduplicated by the provider's event id.",
  data: z.object({
    provider,
    connectionId: z.uuid(),
    providerEventId: z.string().min(1).max(200),
    eventType: z.string().min(1).max(200),
    /** The provider's payload as received (may hold personal data: sealed on the archive). */
    payload: sensitive(z.string().max(500_000)),
    receivedAt: z.iso.datetime({ offset: true }),
  }),
  example: {
    provider: 'stripe',
    connectionId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b',
    providerEventId: 'evt_1N',
    eventType: 'invoice.paid',
    payload: '{"id":"evt_1N","type":"invoice.paid"}',
    receivedAt: '2026-12-06T08:00:00.000Z',
  },
});
