import type { EventData } from '@bizosaas/event-schemas';
import type { ContactInfo, LeadScore, LeadSource, LeadStatus, UtmParameters } from './lead-values.ts';

type Of<T extends LeadEventType> = { readonly type: T; readonly data: EventData<T> };
export type LeadEventType =
  | 'lead.created' | 'lead.contacted' | 'lead.scored' | 'lead.qualified' | 'lead.disqualified'
  | 'lead.lost' | 'lead.interaction_recorded' | 'lead.converted' | 'lead.contact_updated';
/** The lead's events as decide emits them (the runner adds the envelope). */
export type LeadEvent = { [T in LeadEventType]: Of<T> }[LeadEventType];

export interface Lead {
  readonly status: LeadStatus;
  readonly contact: ContactInfo;
  readonly source: LeadSource;
  readonly utmParameters: UtmParameters;
  readonly campaignId: string | null;
  /** Latest score, from lead.scored or lead.qualified; parts a qualification did not give stay null. */
  readonly score: { [K in keyof LeadScore]: number | null } | null;
  readonly qualifiedBy: string | null;
  readonly qualifiedAt: string | null;
  readonly customerId: string | null;
  readonly conversionValue: { amount: string; currency: string } | null;
  readonly closedReason: string | null;
  readonly interactionCount: number;
  readonly lastInteractionAt: string | null;
}

/** No events yet: the lead does not exist (or is another tenant's, which looks the same). */
export type LeadState = { readonly status: 'none' } | Lead;

export const initialLeadState = (): LeadState => ({ status: 'none' });

export function evolveLead(state: LeadState, event: LeadEvent): LeadState {
  if (event.type === 'lead.created') return created(event.data);
  if (state.status === 'none') return state; // events of a stream always start with lead.created
  switch (event.type) {
    case 'lead.contacted':
      return { ...state, status: 'contacted' };
    case 'lead.contact_updated':
      return { ...state, contact: event.data.contact };
    case 'lead.scored':
      return { ...state, score: event.data.score };
    case 'lead.qualified':
      return {
        ...state,
        status: 'qualified',
        score: event.data.score,
        qualifiedBy: event.data.qualifiedBy ?? null,
        qualifiedAt: event.data.qualifiedAt ?? null,
      };
    case 'lead.disqualified':
    case 'lead.lost':
      return { ...state, status: event.type === 'lead.lost' ? 'lost' : 'disqualified', closedReason: event.data.reason };
    case 'lead.interaction_recorded':
      return { ...state, interactionCount: state.interactionCount + 1, lastInteractionAt: event.data.interactedAt };
    case 'lead.converted':
      return {
        ...state,
        status: 'converted',
        customerId: event.data.customerId,
        conversionValue: { amount: event.data.conversionValue, currency: event.data.currency },
      };
  }
}

function created(data: EventData<'lead.created'>): Lead {
  return {
    status: 'new',
    contact: data.contact,
    source: data.source,
    utmParameters: data.utmParameters,
    campaignId: data.campaignId,
    score: null,
    qualifiedBy: null,
    qualifiedAt: null,
    customerId: null,
    conversionValue: null,
    closedReason: null,
    interactionCount: 0,
    lastInteractionAt: null,
  };
}

/** The lead's event stream: what the write path folds and snapshots. */
export const leadStream = { aggregateType: 'lead', initialState: initialLeadState, evolve: evolveLead, snapshotSchemaVersion: 1 } as const;
