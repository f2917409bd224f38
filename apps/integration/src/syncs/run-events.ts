import { createEvent, type Actor, type EventEnvelope } from '@bizosaas/event-schemas';
import type { PageCounts } from './page-store.ts';
import type { AdMetricsDay } from './sources/sync-source.ts';
import type { SyncMode } from './sync.ts';

/** Who publishes what a run finds: the platform itself. */
export const SYNC_ACTOR: Actor = { type: 'system', id: 'integration-sync' };

/** The run an event belongs to: the sync is the aggregate, and the run id correlates all its events. */
export interface RunRef {
  tenantId: string;
  syncId: string;
  runId: string;
  connectionId: string;
  model: string;
}

const envelope = (ref: RunRef, actor: Actor, now: () => Date) => ({
  tenantId: ref.tenantId,
  aggregateId: ref.syncId,
  actor,
  correlationId: ref.runId,
  causationId: null,
  options: { now },
});

const refData = (ref: RunRef) => ({ connectionId: ref.connectionId, runId: ref.runId, model: ref.model });

export function syncStarted(
  ref: RunRef,
  mode: SyncMode,
  trigger: 'schedule' | 'manual' | 'resume',
  actor: Actor,
  now: () => Date,
): EventEnvelope {
  const { options, ...base } = envelope(ref, actor, now);
  return createEvent({ ...base, type: 'integration.sync_started', data: { ...refData(ref), mode, trigger } }, options);
}

export function syncFinished(ref: RunRef, counts: PageCounts, error: string | null, now: () => Date): EventEnvelope {
  const { options, ...base } = envelope(ref, SYNC_ACTOR, now);
  return error === null
    ? createEvent({ ...base, type: 'integration.sync_completed', data: { ...refData(ref), counts } }, options)
    : createEvent({ ...base, type: 'integration.sync_failed', data: { ...refData(ref), error, counts } }, options);
}

export interface ChangedRecord {
  externalId: string;
  change: 'created' | 'updated' | 'deleted';
  contentHash: string;
  /** The kept fields as JSON; null for a deleted record. */
  fields: string | null;
  /** CRM records: createdAt and updatedAt as forwarded to domain-repository. */
  providerVersion?: { createdAt: string; updatedAt: string } | null;
}

export interface Provenance {
  page: number;
  cursor: string | null;
  providerRequestId: string | null;
}

export function recordsChanged(
  ref: RunRef,
  provider: string,
  provenance: Provenance,
  records: ChangedRecord[],
  now: () => Date,
): EventEnvelope {
  const { options, ...base } = envelope(ref, SYNC_ACTOR, now);
  return createEvent(
    { ...base, type: 'integration.records_changed', data: { ...refData(ref), provider, provenance, records } },
    options,
  );
}

export function adMetricsSynced(ref: RunRef, provider: string, day: AdMetricsDay, now: () => Date): EventEnvelope {
  const { options, ...base } = envelope(ref, SYNC_ACTOR, now);
  return createEvent(
    { ...base, type: 'integration.ad_metrics_synced', data: { ...refData(ref), provider, ...day } },
    options,
  );
}
