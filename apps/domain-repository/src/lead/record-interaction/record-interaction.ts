import { z } from 'zod';
import type { LeadEvent, LeadState } from '../lead.ts';
import { existingLead, requireOpen, type LeadCommand } from '../lead-rules.ts';
import { InteractionKind } from '../lead-values.ts';

export const recordInteractionData = z.strictObject({
  leadId: z.uuid(),
  interactionId: z.uuid(),
  kind: InteractionKind,
  summary: z.string().trim().min(1).max(2000),
  /** When it happened; default the command's time. */
  interactedAt: z.iso.datetime().optional(),
});
export type RecordInteraction = LeadCommand<'lead.record_interaction', z.output<typeof recordInteractionData>>;

/** Calls, e-mails and meetings are logged on open leads; they do not change the status. */
export function recordInteraction(command: RecordInteraction, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, command);
  requireOpen(lead, 'lead.interaction.requires_open', 'record an interaction on', command.data.leadId);
  const { interactionId, kind, summary } = command.data;
  const interactedAt = command.data.interactedAt ?? command.metadata.now.toISOString();
  return [{ type: 'lead.interaction_recorded', data: { interactionId, kind, summary, interactedAt } }];
}
