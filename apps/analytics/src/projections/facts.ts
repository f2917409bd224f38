import type { DomainEvent } from '@bizosaas/event-schemas';
import type { GlobalCheckpoint } from '@bizosaas/event-store';

/** An event as the analytics projection reads it: the envelope and its place in the log. */
export interface LoggedEvent {
  readonly event: DomainEvent;
  readonly position: GlobalCheckpoint;
}

/**
 * One measurable row of an event (most events give one; an ads sync gives one per campaign
 * and day). Money and scores are decimal strings, never floats.
 */
export interface Fact {
  readonly tenantId: string;
  readonly logXid: string;
  readonly position: string;
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  readonly aggregateId: string;
  /** Whose journey the event belongs to: a lead, customer, campaign, ... */
  readonly subjectId: string;
  readonly occurredAt: string;
  readonly correlationId: string | null;
  campaignId: string | null;
  source: string | null;
  readonly amount: string | null;
  readonly currency: string | null;
  /** A score or a churn risk the event set. */
  readonly value: string | null;
  /** For facts that replace earlier ones (ads metrics of one campaign and day): the key they share. */
  readonly entityKey: string | null;
  readonly factDate: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const uuid = (value: unknown): string | null => (typeof value === 'string' && UUID.test(value) ? value : null);
const decimal = (value: unknown): string | null =>
  typeof value === 'number' ? String(value) : typeof value === 'string' && value !== '' ? value : null;

/** The subject of an event: an analysis counts toward the lead (customer, campaign) it analysed. */
export function subjectOf(event: DomainEvent): string {
  const subject = asRecord(asRecord(event.data).subject);
  return uuid(subject.id) ?? event.aggregateId;
}

/** What each event type measures, beyond being counted. */
function measures(event: DomainEvent): Pick<Fact, 'amount' | 'currency' | 'value'> {
  const data = asRecord(event.data);
  switch (event.type) {
    case 'lead.converted':
      return { amount: decimal(data.conversionValue), currency: text(data.currency), value: null };
    case 'customer.purchase_recorded':
      return { amount: decimal(data.orderValue), currency: text(data.currency), value: null };
    case 'customer.churn_risk_updated':
      return { amount: null, currency: null, value: decimal(data.newChurnRisk) };
    case 'lead.qualified':
    case 'lead.scored':
      return { amount: null, currency: null, value: decimal(asRecord(data.score).totalScore) };
    default:
      return { amount: null, currency: null, value: null };
  }
}

/** The facts of one logged event, in order (seq 0, 1, ...). */
export function toFacts({ event, position }: LoggedEvent): Fact[] {
  const data = asRecord(event.data);
  const base: Fact = {
    tenantId: event.tenantId,
    logXid: position.transactionId,
    position: position.globalPosition,
    seq: 0,
    eventId: event.id,
    type: event.type,
    aggregateId: event.aggregateId,
    subjectId: subjectOf(event),
    occurredAt: event.occurredAt,
    correlationId: event.correlationId ?? null,
    campaignId: uuid(data.campaignId) ?? (event.aggregateType === 'campaign' ? event.aggregateId : null),
    source: text(data.source),
    ...measures(event),
    entityKey: null,
    factDate: null,
  };
  if (event.type !== 'integration.ad_metrics_synced') return [base];
  const campaigns = Array.isArray(data.campaigns) ? data.campaigns.map(asRecord) : [];
  const provider = text(data.provider) ?? 'unknown';
  const date = text(data.date);
  // One fact per campaign and day: a later sync of the same day replaces it (entityKey).
  return campaigns.map((campaign, seq) => ({
    ...base,
    seq,
    source: provider,
    amount: decimal(campaign.spend),
    currency: text(data.currency),
    entityKey: `${provider}:${String(campaign.externalCampaignId)}:${date ?? ''}`,
    factDate: date,
  }));
}

/** Campaign status after each campaign lifecycle event (the state KPIs read it). */
export const CAMPAIGN_STATUS: Readonly<Record<string, string>> = {
  'campaign.created': 'draft',
  'campaign.scheduled': 'scheduled',
  'campaign.launched': 'active',
  'campaign.resumed': 'active',
  'campaign.paused': 'paused',
  'campaign.completed': 'completed',
};
