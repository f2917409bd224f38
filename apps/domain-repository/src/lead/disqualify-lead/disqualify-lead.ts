import { z } from 'zod';
import type { LeadEvent, LeadState } from '../lead.ts';
import { existingLead, requireOpen, type LeadCommand } from '../lead-rules.ts';

export const disqualifyLeadData = z.strictObject({ leadId: z.uuid(), reason: z.string().trim().min(1).max(2000) });
export type DisqualifyLead = LeadCommand<'lead.disqualify', z.output<typeof disqualifyLeadData>>;

/** Any open lead (new, contacted, qualified) can be disqualified; closed leads stay as they are. */
export function disqualifyLead(command: DisqualifyLead, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, command);
  requireOpen(lead, 'lead.disqualify.requires_open', 'disqualify', command.data.leadId);
  return [{ type: 'lead.disqualified', data: { reason: command.data.reason, previousStatus: lead.status } }];
}
