import type pg from 'pg';
import type { z } from 'zod';
import { fieldIssuesOf, ValidationError, type Command, type CommandMetadata } from '@bizosaas/ddd-kernel';
import { uuidv7, type PlatformCatalogue } from '@bizosaas/event-schemas';
import type { EventStore } from '@bizosaas/event-store';
import { createCustomerData } from '../customer/create-customer/create-customer.ts';
import { customerAggregate } from '../customer/customer-decider.ts';
import { updateProfileData } from '../customer/update-profile/update-profile.ts';
import { captureLeadData } from '../lead/capture-lead/capture-lead.ts';
import { closeLeadData } from '../lead/close-lead/close-lead.ts';
import { leadAggregate } from '../lead/lead-decider.ts';
import { updateContactData } from '../lead/update-contact/update-contact.ts';
import { runAggregate, type Aggregate } from '../write-side/run-aggregate.ts';
import { externalSource, type CrmChange, type CrmProvider } from './crm-change.ts';
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
  'lead.capture': captureLeadData, 'lead.update_contact': updateContactData, 'lead.disqualify': closeLeadData, 'lead.mark_lost': closeLeadData,
  'customer.create': createCustomerData, 'customer.update_profile': updateProfileData,
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
  const outcome = (result: RecordOutcome['result'], aggregateId: string | null, events: string[], reason?: string): RecordOutcome =>
    ({ externalId: key.externalId, aggregateType: job.change.target, aggregateId, result, events, ...(reason !== undefined && { reason }) });
  let change = job.change;
  if (change.changeType !== 'delete') {
    const known = await ctx.store.transaction(ctx.pool, tenantId, (client) => ctx.store.findExternalId(client, key));
    if (change.refetch || (known === null && change.changeType === 'update')) {
      const fields = await ctx.readers[provider](change.entity, change.externalId);
      if (fields === null) return outcome('skipped', known, [], `the record no longer exists in ${provider}`);
      change = { ...change, fields, refetch: false };
    }
  }
  const aggregate = (change.target === 'lead' ? leadAggregate : customerAggregate) as unknown as Aggregate<Command, unknown, never>;
  return ctx.store.transaction(ctx.pool, tenantId, async (client) => {
    const existing = await ctx.store.findExternalId(client, key);
    const state = existing === null
      ? aggregate.decider.initialState()
      : (await ctx.store.load(client, { aggregateType: aggregate.aggregateType, aggregateId: existing, initialState: aggregate.decider.initialState(), evolve: aggregate.decider.evolve as never })).state;
    const plan = planCrmChange(provider, change, state as never);
    if (plan.kind === 'skip') return outcome('skipped', existing, [], plan.reason);
    const aggregateId = existing ?? (await ctx.store.mapExternalId(client, { ...key, newId: uuidv7 })).internalId;
    const metadata: CommandMetadata = {
      now: ctx.now(), tenantId, actor: { type: 'system', id: `crm-${provider}` }, correlationId: job.crmEventId, causationId: job.crmEventId,
    };
    const events: string[] = [];
    for (const planned of plan.commands) {
      const command = { type: planned.type, data: commandData(planned, change.target, aggregateId), metadata };
      const run = await runAggregate(ctx.store, client, aggregate, { aggregateId, command });
      events.push(...run.events.map((event) => (event as { type: string }).type));
    }
    return outcome('applied', aggregateId, events);
  });
}

function commandData(planned: PlannedCommand, target: CrmChange['target'], aggregateId: string) {
  const idField = target === 'lead' ? 'leadId' : 'customerId';
  const parsed = SCHEMAS[planned.type]!.safeParse({ ...planned.data, [idField]: aggregateId });
  if (!parsed.success) throw new ValidationError(`The CRM record cannot become a ${target}`, fieldIssuesOf(parsed.error));
  return parsed.data;
}
