import type { EventData } from '@bizosaas/event-schemas';
import type { ContactInfo, LeadScore, LeadSource, UtmParameters } from './lead-values.ts';

type Of<T extends LeadEventType> = { readonly type: T; readonly data: EventData<T> };
export type LeadEventType =
  | 'lead.created'
  | 'lead.contacted'
  | 'lead.scored'
  | 'lead.qualified'
  | 'lead.disqualified'
  | 'lead.lost'
  | 'lead.interaction_recorded'
  | 'lead.converted'
  | 'lead.contact_updated'
  | 'lead.marked_for_nurturing';
/** The lead's events as decide emits them (the runner adds the envelope). */
export type LeadEvent = { [T in LeadEventType]: Of<T> }[LeadEventType];

/** What every lead has, whatever its status. */
interface LeadBase {
  readonly contact: ContactInfo;
  readonly source: LeadSource;
  readonly utmParameters: UtmParameters;
  readonly campaignId: string | null;
  /** Latest score, from lead.scored or lead.qualified; parts a qualification did not give stay null. */
  readonly score: { [K in keyof LeadScore]: number | null } | null;
  readonly interactionCount: number;
  readonly lastInteractionAt: string | null;
}

/** Who qualified the lead (null: the platform, not a user) and when (null in events that did not say). */
export interface Qualification {
  readonly qualifiedBy: string | null;
  readonly qualifiedAt: string | null;
}

/** Since when and why a lead that is not sales-ready is being nurtured. */
export interface Nurturing {
  readonly since: string;
  readonly reason: EventData<'lead.marked_for_nurturing'>['reason'];
}

/**
 * A lead in each status carries what that status means, and nothing it cannot have yet. Only a
 * lead not yet qualified can be in nurturing: qualification, conversion and closing end it.
 */
export type Lead =
  | (LeadBase & { readonly status: 'new' | 'contacted'; readonly nurturing: Nurturing | null })
  | (LeadBase & { readonly status: 'qualified'; readonly qualification: Qualification })
  | (LeadBase & {
      readonly status: 'converted';
      readonly qualification: Qualification;
      readonly customerId: string;
      readonly conversionValue: { readonly amount: string; readonly currency: string };
    })
  | (LeadBase & {
      readonly status: 'disqualified' | 'lost';
      /** Set when it was qualified before it was closed. */
      readonly qualification: Qualification | null;
      readonly closedReason: string;
    });

/** No events yet: the lead does not exist (or is another tenant's, which looks the same). */
export type LeadState = { readonly status: 'none' } | Lead;

export const initialLeadState = (): LeadState => ({ status: 'none' });

export function evolveLead(state: LeadState, event: LeadEvent): LeadState {
  if (event.type === 'lead.created') return created(event.data);
  if (state.status === 'none') return state; // events of a stream always start with lead.created
  switch (event.type) {
    case 'lead.contacted':
      return { ...baseOf(state), status: 'contacted', nurturing: nurturingOf(state) };
    case 'lead.marked_for_nurturing':
      // decide emits it only for new and contacted leads.
      return state.status === 'new' || state.status === 'contacted'
        ? { ...state, nurturing: { since: event.data.markedAt, reason: event.data.reason } }
        : state;
    case 'lead.contact_updated':
      return { ...state, contact: event.data.contact };
    case 'lead.scored':
      return { ...state, score: event.data.score };
    case 'lead.qualified':
      return {
        ...baseOf(state),
        status: 'qualified',
        score: event.data.score,
        qualification: { qualifiedBy: event.data.qualifiedBy ?? null, qualifiedAt: event.data.qualifiedAt ?? null },
      };
    case 'lead.disqualified':
    case 'lead.lost':
      return {
        ...baseOf(state),
        status: event.type === 'lead.lost' ? 'lost' : 'disqualified',
        qualification: qualificationOf(state),
        closedReason: event.data.reason,
      };
    case 'lead.interaction_recorded':
      return { ...state, interactionCount: state.interactionCount + 1, lastInteractionAt: event.data.interactedAt };
    case 'lead.converted':
      return {
        ...baseOf(state),
        status: 'converted',
        qualification: qualificationOf(state) ?? { qualifiedBy: null, qualifiedAt: null },
        customerId: event.data.customerId,
        conversionValue: { amount: event.data.conversionValue, currency: event.data.currency },
      };
  }
}

/** The fields every status keeps, without those of the status being left. */
function baseOf(lead: Lead): LeadBase {
  const { contact, source, utmParameters, campaignId, score, interactionCount, lastInteractionAt } = lead;
  return { contact, source, utmParameters, campaignId, score, interactionCount, lastInteractionAt };
}

export const nurturingOf = (lead: Lead): Nurturing | null => ('nurturing' in lead ? lead.nurturing : null);

export const qualificationOf = (lead: Lead): Qualification | null =>
  'qualification' in lead ? lead.qualification : null;

function created(data: EventData<'lead.created'>): Lead {
  return {
    status: 'new',
    contact: data.contact,
    source: data.source,
    utmParameters: data.utmParameters,
    campaignId: data.campaignId,
    score: null,
    interactionCount: 0,
    lastInteractionAt: null,
    nurturing: null,
  };
}

/** The lead's event stream: what the write path folds and snapshots. */
export const leadStream = {
  aggregateType: 'lead',
  initialState: initialLeadState,
  evolve: evolveLead,
  snapshotSchemaVersion: 3,
} as const;
