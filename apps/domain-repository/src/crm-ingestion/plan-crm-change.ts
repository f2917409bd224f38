import type { CustomerState } from '../customer/customer.ts';
import type { LeadState } from '../lead/lead.ts';
import { OPEN_STATUSES } from '../lead/lead-values.ts';
import { isDormantStatus, type CrmChange, type CrmFields, type CrmProvider } from './crm-change.ts';

/** A command for the record's aggregate, without its id and metadata (the worker adds them). */
export interface PlannedCommand {
  type: string;
  data: Record<string, unknown>;
}
export type CrmPlan = { kind: 'skip'; reason: string } | { kind: 'apply'; commands: PlannedCommand[] };

const skip = (reason: string): CrmPlan => ({ kind: 'skip', reason });
const CONTACT_KEYS = ['email', 'firstName', 'lastName', 'phone', 'company', 'jobTitle'] as const;
const given = (fields: CrmFields, keys: readonly (keyof CrmFields)[]) => keys.some((key) => fields[key] !== undefined);
/** Fields the notification carries override the current value; absent ones keep it. */
const pick = <T>(fields: CrmFields, key: keyof CrmFields, current: T) =>
  fields[key] !== undefined ? fields[key] : current;

/**
 * What a CRM change means for the record's aggregate (seed 004's domain service, pure): a
 * create for a record not seen yet, an update merged over the current state, a delete as a
 * loss. Records in a dormant status (inactive, pending, draft) are not brought in, and their
 * changes are not broadcast. `fields` holds the record's whole state when it was fetched.
 */
export function planCrmChange(provider: CrmProvider, change: CrmChange, state: LeadState | CustomerState): CrmPlan {
  const exists = state.status !== 'none';
  if (change.changeType === 'delete')
    return exists ? planDelete(provider, change, state) : skip(`not known here: nothing to delete`);
  if (isDormantStatus(change.fields.status))
    return skip(`status "${change.fields.status}" is not broadcast (seed 004)`);
  return change.target === 'lead'
    ? planLead(provider, change.fields, state as LeadState)
    : planCustomer(change.fields, state as CustomerState);
}

function planDelete(provider: CrmProvider, change: CrmChange, state: LeadState | CustomerState): CrmPlan {
  if (change.target === 'customer') return skip('a customer deleted in the CRM is kept: its history is ours');
  const lead = state as Exclude<LeadState, { status: 'none' }>;
  if (!OPEN_STATUSES.includes(lead.status)) return skip(`lead is ${lead.status}: a deletion no longer applies`);
  return { kind: 'apply', commands: [{ type: 'lead.mark_lost', data: { reason: `Deleted in ${provider}` } }] };
}

function planLead(provider: CrmProvider, fields: CrmFields, state: LeadState): CrmPlan {
  const disqualify: PlannedCommand = {
    type: 'lead.disqualify',
    data: { reason: `Disqualified in ${provider} (status "${fields.status}")` },
  };
  if (state.status === 'none') {
    const contact = Object.fromEntries(CONTACT_KEYS.map((key) => [key, fields[key] ?? null]));
    const capture = {
      type: 'lead.capture',
      data: { contact, source: 'crm_import', utmParameters: {}, campaignId: null },
    };
    return { kind: 'apply', commands: fields.stage === 'disqualified' ? [capture, disqualify] : [capture] };
  }
  if (!OPEN_STATUSES.includes(state.status)) return skip(`lead is ${state.status}: CRM changes no longer apply`);
  const commands: PlannedCommand[] = [];
  if (given(fields, CONTACT_KEYS)) {
    const contact = Object.fromEntries(CONTACT_KEYS.map((key) => [key, pick(fields, key, state.contact[key])]));
    commands.push({ type: 'lead.update_contact', data: { contact } });
  }
  // "Contacted" in a CRM does not say how (the channel lead.contacted records), so only disqualification is mirrored.
  if (fields.stage === 'disqualified') commands.push(disqualify);
  return commands.length > 0 ? { kind: 'apply', commands } : skip('no field this platform keeps changed');
}

function planCustomer(fields: CrmFields, state: CustomerState): CrmPlan {
  const current = state.status === 'none' ? null : state.profile;
  if (current && !given(fields, CONTACT_KEYS)) return skip('no field this platform keeps changed');
  const profile = {
    email: pick(fields, 'email', current?.email ?? null),
    firstName: pick(fields, 'firstName', current?.firstName ?? null),
    lastName: pick(fields, 'lastName', current?.lastName ?? null),
    phone: pick(fields, 'phone', current?.phone ?? null),
    companyName: pick(fields, 'company', current?.companyName ?? null),
    industry: current?.industry ?? null,
    annualRevenue: current?.annualRevenue ?? null,
  };
  if (!current) return { kind: 'apply', commands: [{ type: 'customer.create', data: { profile } }] };
  return { kind: 'apply', commands: [{ type: 'customer.update_profile', data: { profile } }] };
}
