import type { ServiceApp } from '@bizosaas/service-kit';
import type { RoutesContext } from '../write-side/routes-context.ts';
import { captureLeadRoute } from './capture-lead/capture-lead.route.ts';
import { contactLeadRoute } from './contact-lead/contact-lead.route.ts';
import { convertLeadRoute } from './convert-lead/convert-lead.route.ts';
import { disqualifyLeadRoute } from './disqualify-lead/disqualify-lead.route.ts';
import { getLeadRoute } from './get-lead/get-lead.route.ts';
import { leadListRoute } from './lead-list/lead-list.route.ts';
import { leadInteractionsRoute } from './lead-interactions/lead-interactions.route.ts';
import { markLeadForNurturingRoute } from './mark-lead-for-nurturing/mark-lead-for-nurturing.route.ts';
import { markLeadLostRoute } from './mark-lead-lost/mark-lead-lost.route.ts';
import { qualifyLeadRoute } from './qualify-lead/qualify-lead.route.ts';
import { recordInteractionRoute } from './record-interaction/record-interaction.route.ts';
import { scoreLeadRoute } from './score-lead/score-lead.route.ts';
import { updateLeadContactRoute } from './update-contact/update-contact.route.ts';

/** Every lead slice's route, in the order the OpenAPI page lists them. */
export const leadRoutes = [
  captureLeadRoute,
  contactLeadRoute,
  scoreLeadRoute,
  qualifyLeadRoute,
  markLeadForNurturingRoute,
  disqualifyLeadRoute,
  markLeadLostRoute,
  updateLeadContactRoute,
  recordInteractionRoute,
  convertLeadRoute,
  getLeadRoute,
  leadInteractionsRoute,
  leadListRoute,
] as const satisfies readonly ((app: ServiceApp, ctx: RoutesContext) => void)[];
