import { z } from 'zod';
import type { LeadEvent, LeadState } from '../lead.ts';
import { existingLead, requireOpen, type LeadCommand } from '../lead-rules.ts';

export const markLeadLostData = z.strictObject({ leadId: z.uuid(), reason: z.string().trim().min(1).max(2000) });
export type MarkLeadLost = LeadCommand<'lead.mark_lost', z.output<typeof markLeadLostData>>;

/** Any open lead can be lost; closed leads stay as they are. */
export function markLeadLost(command: MarkLeadLost, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, command);
  requireOpen(lead, 'lead.lose.requires_open', 'mark as lost', command.data.leadId);
  return [{ type: 'lead.lost', data: { reason: command.data.reason, previousStatus: lead.status } }];
}
