import { z } from 'zod';
import type { LeadEvent, LeadState } from '../lead.ts';
import { existingLead, requireOpen, type LeadCommand } from '../lead-rules.ts';
import { ContactInfo } from '../lead-values.ts';

export const updateContactData = z.strictObject({ leadId: z.uuid(), contact: ContactInfo.schema });
export type UpdateLeadContact = LeadCommand<'lead.update_contact', z.output<typeof updateContactData>>;

/** Replaces an open lead's contact; the same contact again changes nothing. */
export function updateLeadContact(command: UpdateLeadContact, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, command);
  const contact = ContactInfo.create(command.data.contact, { path: 'contact' });
  if (ContactInfo.equals(contact, lead.contact as never)) return [];
  requireOpen(lead, 'lead.update_contact.requires_open', 'change the contact of', command.data.leadId);
  return [{ type: 'lead.contact_updated', data: { contact: { ...contact } } }];
}
