import type { Decider } from '@bizosaas/ddd-kernel';
import { captureLead, type CaptureLead } from './capture-lead/capture-lead.ts';
import { contactLead, type ContactLead } from './contact-lead/contact-lead.ts';
import { convertLead, type ConvertLead } from './convert-lead/convert-lead.ts';
import { disqualifyLead, type DisqualifyLead } from './disqualify-lead/disqualify-lead.ts';
import { evolveLead, initialLeadState, type LeadEvent, type LeadState } from './lead.ts';
import { markLeadForNurturing, type MarkLeadForNurturing } from './mark-lead-for-nurturing/mark-lead-for-nurturing.ts';
import { markLeadLost, type MarkLeadLost } from './mark-lead-lost/mark-lead-lost.ts';
import { qualifyLead, type QualifyLead } from './qualify-lead/qualify-lead.ts';
import { recordInteraction, type RecordInteraction } from './record-interaction/record-interaction.ts';
import { scoreLead, type ScoreLead } from './score-lead/score-lead.ts';
import { updateLeadContact, type UpdateLeadContact } from './update-contact/update-contact.ts';

export type LeadCommandUnion =
  | CaptureLead
  | ContactLead
  | ScoreLead
  | QualifyLead
  | DisqualifyLead
  | MarkLeadLost
  | RecordInteraction
  | ConvertLead
  | UpdateLeadContact
  | MarkLeadForNurturing;

function decide(command: LeadCommandUnion, state: LeadState): LeadEvent[] {
  switch (command.type) {
    case 'lead.capture':
      return captureLead(command, state);
    case 'lead.contact':
      return contactLead(command, state);
    case 'lead.score':
      return scoreLead(command, state);
    case 'lead.qualify':
      return qualifyLead(command, state);
    case 'lead.disqualify':
      return disqualifyLead(command, state);
    case 'lead.mark_lost':
      return markLeadLost(command, state);
    case 'lead.record_interaction':
      return recordInteraction(command, state);
    case 'lead.convert':
      return convertLead(command, state);
    case 'lead.update_contact':
      return updateLeadContact(command, state);
    case 'lead.mark_for_nurturing':
      return markLeadForNurturing(command, state);
  }
}

/** Every lead command by type: for callers that pick a command at run time (CRM ingestion, lead scoring, tests). */
export const leadDecider: Decider<LeadCommandUnion, LeadState, LeadEvent> = {
  initialState: initialLeadState,
  decide,
  evolve: evolveLead,
};
