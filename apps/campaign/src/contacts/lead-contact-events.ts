import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { changeContact, changeKey, replaceContactDetails } from './contact-change.ts';

export type LeadEvent = Extract<DomainEvent, { type: `lead.${string}` }>;

const CREATE = `INSERT INTO contacts (tenant_id, contact_id, kind, email, first_name, last_name, phone, status,
  source, utm_source, utm_medium, utm_campaign, created_at, version, updated_at)
VALUES ($1, $2, 'lead', $3, $4, $5, $6, 'new', $7, $8, $9, $10, $11, $12, $11)
ON CONFLICT (tenant_id, contact_id) DO NOTHING`;

/** Applies one lead.* event to the contacts read model (inside the inbox transaction). */
export async function applyLeadEvent(client: pg.ClientBase, event: LeadEvent): Promise<void> {
  const key = changeKey(event);
  switch (event.type) {
    case 'lead.created':
      await insertLead(client, event);
      return;
    case 'lead.contact_updated':
      await replaceContactDetails(client, event, event.data.contact);
      return;
    case 'lead.scored':
      await client.query(changeContact('score = $5, '), [...key, event.data.score.totalScore]);
      return;
    case 'lead.qualified':
      await client.query(changeContact(`status = 'qualified', score = $5, `), [...key, event.data.score.totalScore]);
      return;
    case 'lead.contacted':
    case 'lead.converted':
    case 'lead.disqualified':
    case 'lead.lost':
      await client.query(changeContact('status = $5, '), [...key, STATUS_AFTER[event.type]]);
      return;
    default:
      // Interactions and nurturing change nothing here, but the version moves on with the stream.
      await client.query(changeContact(''), key);
  }
}

const STATUS_AFTER = {
  'lead.contacted': 'contacted',
  'lead.converted': 'converted',
  'lead.disqualified': 'disqualified',
  'lead.lost': 'lost',
} as const;

async function insertLead(client: pg.ClientBase, event: Extract<LeadEvent, { type: 'lead.created' }>): Promise<void> {
  const { contact, source, utmParameters: utm } = event.data;
  await client.query(CREATE, [
    event.tenantId,
    event.aggregateId,
    contact.email,
    contact.firstName,
    contact.lastName,
    contact.phone,
    source,
    utm.utmSource ?? null,
    utm.utmMedium ?? null,
    utm.utmCampaign ?? null,
    event.occurredAt,
    event.aggregateVersion,
  ]);
}
