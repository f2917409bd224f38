import type pg from 'pg';
import type { z } from 'zod';
import { fieldIssuesOf, ValidationError, type Command, type Decider } from '@bizosaas/ddd-kernel';
import { uuidv7, type PlatformCatalogue } from '@bizosaas/event-schemas';
import type { EventStore } from '@bizosaas/event-store';
import { createCustomerData } from '../customer/create-customer/create-customer.ts';
import { customerStream, type CustomerState } from '../customer/customer.ts';
import { customerDecider } from '../customer/customer-decider.ts';
import { updateProfileData } from '../customer/update-customer-profile/update-customer-profile.ts';
import { captureLeadData } from '../lead/capture-lead/capture-lead.ts';
import { disqualifyLeadData } from '../lead/disqualify-lead/disqualify-lead.ts';
import { leadStream, type LeadState } from '../lead/lead.ts';
import { leadDecider } from '../lead/lead-decider.ts';
import { markLeadLostData } from '../lead/mark-lead-lost/mark-lead-lost.ts';
import { updateContactData } from '../lead/update-contact/update-contact.ts';
import { foldingOf, type AggregateStream, type DecidedEvent } from '../write-side/aggregate-stream.ts';
import { decideOnStream, type WriteMetadata } from '../write-side/decide-on-stream.ts';
import { externalSource, type CrmChange, type CrmProvider } from './crm-change.ts';
import { crmExternalIds } from './external-ids.ts';
import { planCrmChange, type PlannedCommand } from './plan-crm-change.ts';
import type { CrmRecordReader } from './providers/crm-record-readers.ts';

export interface CrmApplyContext {
  readonly pool: pg.Pool;
  readonly store: EventStore<PlatformCatalogue>;
  readonly readers: Readonly<Record<CrmProvider, CrmRecordReader>>;
  readonly now: () => Date;
}

/** What became of one record of a notification (kept in the ingestion log). */
export interface RecordOutcome {
  externalId: string;
  aggregateType: CrmChange['target'];
  aggregateId: string | null;
  result: 'applied' | 'skipped' | 'rejected';
  /** Event types appended (empty when the aggregate already was in that state). */
  events: string[];
  reason?: string;
}

/** Each planned command's data schema: defaults applied and checked before decide sees it. */
const SCHEMAS: Readonly<Record<string, z.ZodObject>> = {
  'lead.capture': captureLeadData,
  'lead.update_contact': updateContactData,
  'lead.disqualify': disqualifyLeadData,
  'lead.mark_lost': markLeadLostData,
  'customer.create': createCustomerData,
  'customer.update_profile': updateProfileData,
};

export interface CrmJob {
  tenantId: string;
  provider: CrmProvider;
  /** The ingestion log row: correlation and causation id of every event it leads to. */
  crmEventId: string;
  change: CrmChange;
}

/**
 * Applies one record's change: reads the record from the CRM first when the notification does
 * not carry its state (a gap, a bare id, or an update of a record never created here), then
 * maps the external id and runs the planned commands in one tenant transaction.
 */
export async function applyCrmChange(ctx: CrmApplyContext, job: CrmJob): Promise<RecordOutcome> {
  const { tenantId, provider } = job;
  const key = { tenantId, source: externalSource(provider, job.change.entity), externalId: job.change.externalId };
  const outcome = (
    result: RecordOutcome['result'],
    aggregateId: string | null,
    events: string[],
    reason?: string,
  ): RecordOutcome => ({
    externalId: key.externalId,
    aggregateType: job.change.target,
    aggregateId,
    result,
    events,
    ...(reason !== undefined && { reason }),
  });
  let change = job.change;
  if (change.changeType !== 'delete') {
    const known = await ctx.store.transaction(ctx.pool, tenantId, (client) => crmExternalIds.find(client, key));
    if (change.refetch || (known === null && change.changeType === 'update' && change.complete !== true)) {
      const fields = await ctx.readers[provider](change.entity, change.externalId);
      if (fields === null) return outcome('skipped', known, [], `the record no longer exists in ${provider}`);
      change = { ...change, fields, refetch: false };
    }
  }
  const planned = { ...job, change };
  return ctx.store.transaction(ctx.pool, tenantId, (client) =>
    change.target === 'lead'
      ? applyPlan(ctx, client, { stream: leadStream, decider: leadDecider }, planned, key, outcome)
      : applyPlan(ctx, client, { stream: customerStream, decider: customerDecider }, planned, key, outcome),
  );
}

/** The record's aggregate: its stream and the decider its planned commands go through. */
interface Target<C extends Command, S, E extends DecidedEvent> {
  readonly stream: AggregateStream<S, E>;
  readonly decider: Decider<C, S, E>;
}

async function applyPlan<C extends Command, S extends LeadState | CustomerState, E extends DecidedEvent>(
  ctx: CrmApplyContext,
  client: pg.ClientBase,
  { stream, decider }: Target<C, S, E>,
  job: CrmJob,
  key: { tenantId: string; source: string; externalId: string },
  outcome: (
    result: RecordOutcome['result'],
    aggregateId: string | null,
    events: string[],
    reason?: string,
  ) => RecordOutcome,
): Promise<RecordOutcome> {
  const { change, provider, tenantId } = job;
  const existing = await crmExternalIds.find(client, key);
  const state = existing === null ? stream.initialState() : await loadState(ctx, client, stream, existing);
  const plan = planCrmChange(provider, change, state);
  if (plan.kind === 'skip') return outcome('skipped', existing, [], plan.reason);
  const aggregateId = existing ?? (await crmExternalIds.map(client, { ...key, newId: uuidv7 })).internalId;
  const metadata: WriteMetadata = {
    now: ctx.now(),
    tenantId,
    actor: { type: 'system', id: `crm-${provider}` },
    correlationId: job.crmEventId,
    causationId: job.crmEventId,
  };
  const events: string[] = [];
  for (const planned of plan.commands) {
    // commandData parsed the data with the schema of `planned.type`: it is that command of C.
    const command = { type: planned.type, data: commandData(planned, change.target, aggregateId), metadata } as C;
    const decided = await decideOnStream(ctx.store, client, stream, { aggregateId }, metadata, (current) =>
      decider.decide(command, current),
    );
    events.push(...decided.events.map((event) => event.type));
  }
  return outcome('applied', aggregateId, events);
}

async function loadState<S, E extends DecidedEvent>(
  ctx: CrmApplyContext,
  client: pg.ClientBase,
  stream: AggregateStream<S, E>,
  aggregateId: string,
): Promise<S> {
  const loaded = await ctx.store.load(client, {
    aggregateType: stream.aggregateType,
    aggregateId,
    ...foldingOf(stream),
  });
  return loaded.state;
}

function commandData(planned: PlannedCommand, target: CrmChange['target'], aggregateId: string) {
  const idField = target === 'lead' ? 'leadId' : 'customerId';
  const parsed = SCHEMAS[planned.type]!.safeParse({ ...planned.data, [idField]: aggregateId });
  if (!parsed.success)
    throw new ValidationError(`The CRM record cannot become a ${target}`, fieldIssuesOf(parsed.error));
  return parsed.data;
}
