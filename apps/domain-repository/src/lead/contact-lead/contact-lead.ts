import { z } from 'zod';
import type { LeadEvent, LeadState } from '../lead.ts';
import { existingLead, requireStatus, type LeadCommand } from '../lead-rules.ts';
import { InteractionKind } from '../lead-values.ts';

export const contactLeadData = z.strictObject({
  leadId: z.uuid(),
  channel: InteractionKind,
  notes: z.string().max(2000).nullable().default(null),
});
export type ContactLead = LeadCommand<'lead.contact', z.output<typeof contactLeadData>>;

/** new -> contacted. Contacting a contacted lead again is a repeat: nothing happens. */
export function contactLead(command: ContactLead, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, command);
  if (lead.status === 'contacted') return [];
  requireStatus(lead, ['new'], 'lead.contact.requires_new', 'contact', command.data.leadId);
  return [{ type: 'lead.contacted', data: { channel: command.data.channel, notes: command.data.notes } }];
}
