import { z } from 'zod';
import type { LeadEvent, LeadState } from '../lead.ts';
import type { LeadCommand } from '../lead-rules.ts';
import { ContactInfo, LeadSource, UtmParameters } from '../lead-values.ts';

export const captureLeadData = z.strictObject({
  leadId: z.uuid(),
  contact: ContactInfo.schema,
  source: LeadSource,
  utmParameters: UtmParameters.default({}),
  campaignId: z.uuid().nullable().default(null),
});
export type CaptureLead = LeadCommand<'lead.capture', z.output<typeof captureLeadData>>;

/** A lead is captured once; capturing an existing id again (a replayed request) changes nothing. */
export function captureLead(command: CaptureLead, state: LeadState): LeadEvent[] {
  if (state.status !== 'none') return [];
  const { contact, source, utmParameters, campaignId } = command.data;
  return [
    {
      type: 'lead.created',
      data: { contact: ContactInfo.create(contact, { path: 'contact' }), source, utmParameters, campaignId },
    },
  ];
}
