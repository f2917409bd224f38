import { z } from 'zod';
import { uuidv7 } from '@bizosaas/event-schemas';
import { aggregateCommand, type CommandContext } from '../write-side/aggregate-command.ts';
import { captureLeadData } from './capture-lead/capture-lead.ts';
import { closeLeadData } from './close-lead/close-lead.ts';
import { contactLeadData } from './contact-lead/contact-lead.ts';
import { leadAggregate, type LeadCommandUnion } from './lead-decider.ts';
import { leadView } from './lead-view.ts';
import { qualifyLeadData } from './qualify-lead/qualify-lead.ts';
import { recordInteractionData } from './record-interaction/record-interaction.ts';
import { scoreLeadData } from './score-lead/score-lead.ts';
import { updateContactData } from './update-contact/update-contact.ts';

type Simple = Exclude<LeadCommandUnion, { type: 'lead.capture' | 'lead.record_interaction' | 'lead.convert' }>;

/** Bus commands of the lead whose data is the decider command's data as sent. */
function simple<const T extends Simple['type'], S extends z.ZodObject>(ctx: CommandContext, type: T, schema: S) {
  return aggregateCommand(ctx, {
    type, schema, aggregate: leadAggregate,
    toCommand: (data, metadata) => ({ aggregateId: (data as { leadId: string }).leadId, command: { type, data, metadata } as unknown as LeadCommandUnion }),
    view: (run, id) => leadView(run.state, id, run.version),
  });
}

export function leadCommands(ctx: CommandContext) {
  return [
    aggregateCommand(ctx, {
      type: 'lead.capture', schema: captureLeadData.omit({ leadId: true }), aggregate: leadAggregate,
      toCommand: (data, metadata) => {
        const leadId = uuidv7();
        return { aggregateId: leadId, command: { type: 'lead.capture', data: { ...data, leadId }, metadata } as LeadCommandUnion };
      },
      view: (run, id) => leadView(run.state, id, run.version),
      createsAggregate: true,
    }),
    simple(ctx, 'lead.contact', contactLeadData),
    simple(ctx, 'lead.score', scoreLeadData),
    simple(ctx, 'lead.update_contact', updateContactData),
    simple(ctx, 'lead.qualify', qualifyLeadData),
    simple(ctx, 'lead.disqualify', closeLeadData),
    simple(ctx, 'lead.mark_lost', closeLeadData),
    aggregateCommand(ctx, {
      type: 'lead.record_interaction', schema: recordInteractionData.omit({ interactionId: true }), aggregate: leadAggregate,
      toCommand: (data, metadata) => ({
        aggregateId: data.leadId,
        command: { type: 'lead.record_interaction', data: { ...data, interactionId: uuidv7() }, metadata } as LeadCommandUnion,
      }),
      view: (run, id) => leadView(run.state, id, run.version),
      facts: (data) => ({ interactedAt: data.interactedAt }),
    }),
  ] as const;
}

