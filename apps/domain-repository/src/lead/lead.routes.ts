import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { commandMetadata, expectedVersionField, expectedVersionOf, writeHeaders } from '../write-side/request-context.ts';
import { commandErrors, createErrors } from '../write-side/route-responses.ts';
import type { RoutesContext } from '../write-side/routes-context.ts';
import { captureLeadData } from './capture-lead/capture-lead.ts';
import { closeLeadData } from './close-lead/close-lead.ts';
import { contactLeadData } from './contact-lead/contact-lead.ts';
import { convertLeadData } from './convert-lead/convert-lead.ts';
import { customerViewSchema } from '../customer/customer-view.ts';
import { leadListPage, leadListQuery, listLeads } from './lead-list/lead-list.query.ts';
import { leadViewSchema, loadLead } from './lead-view.ts';
import { qualifyLeadData } from './qualify-lead/qualify-lead.ts';
import { recordInteractionData } from './record-interaction/record-interaction.ts';
import { scoreLeadData } from './score-lead/score-lead.ts';
import { updateContactData } from './update-contact/update-contact.ts';

const params = z.strictObject({ leadId: z.uuid() });
const tags = ['leads'];
const write = requirePermission('leads:write');
const read = requirePermission('leads:read');

/** POST /{leadId}/<action> routes: body = the command's data without leadId, plus expectedVersion. */
const actions = [
  ['contact', 'contactLead', 'lead.contact', contactLeadData.omit({ leadId: true }), 'Record the first contact (new -> contacted)'],
  ['score', 'scoreLead', 'lead.score', scoreLeadData.omit({ leadId: true }), 'Re-score an open lead'],
  ['qualify', 'qualifyLead', 'lead.qualify', qualifyLeadData.omit({ leadId: true }), 'Qualify a new or contacted lead'],
  ['disqualify', 'disqualifyLead', 'lead.disqualify', closeLeadData.omit({ leadId: true }), 'Disqualify an open lead'],
  ['lose', 'markLeadLost', 'lead.mark_lost', closeLeadData.omit({ leadId: true }), 'Mark an open lead lost'],
  ['contact-details', 'updateLeadContact', 'lead.update_contact', updateContactData.omit({ leadId: true }), "Replace an open lead's contact details"],
  ['interactions', 'recordLeadInteraction', 'lead.record_interaction', recordInteractionData.omit({ interactionId: true, leadId: true }), 'Log a call, e-mail or meeting'],
] as const;

export function leadRoutes(app: ServiceApp, ctx: RoutesContext): void {
  app.post('/api/v1/leads', {
    onRequest: write,
    schema: {
      operationId: 'captureLead', tags, summary: 'Capture a lead', headers: writeHeaders,
      body: captureLeadData.omit({ leadId: true }), response: { 201: leadViewSchema, ...createErrors },
    },
  }, async (request, reply) => {
    const lead = await ctx.execute({ type: 'lead.capture', data: request.body, metadata: commandMetadata(request, ctx.now) });
    return reply.status(201).send(lead);
  });

  for (const [path, operationId, type, schema, summary] of actions) {
    app.post(`/api/v1/leads/:leadId/${path}`, {
      onRequest: write,
      schema: {
        operationId, tags, summary, params, headers: writeHeaders,
        body: (schema as z.ZodObject).extend(expectedVersionField), response: { 200: leadViewSchema, ...commandErrors },
      },
    }, async (request) => {
      const body = request.body as Record<string, unknown> & { expectedVersion?: number };
      const expectedVersion = expectedVersionOf(request, body.expectedVersion);
      const data = { ...body, leadId: request.params.leadId, ...(expectedVersion !== undefined && { expectedVersion }) };
      return ctx.execute({ type, data, metadata: commandMetadata(request, ctx.now) });
    });
  }

  app.post('/api/v1/leads/:leadId/convert', {
    onRequest: write,
    schema: {
      operationId: 'convertLead', tags, summary: 'Convert a qualified lead into a customer', params, headers: writeHeaders,
      body: convertLeadData.omit({ leadId: true, customerId: true }).extend(expectedVersionField),
      response: { 200: z.object({ lead: leadViewSchema, customer: customerViewSchema }), ...commandErrors },
    },
  }, async (request) => {
    const expectedVersion = expectedVersionOf(request, request.body.expectedVersion);
    const data = { ...request.body, leadId: request.params.leadId, ...(expectedVersion !== undefined && { expectedVersion }) };
    return ctx.execute({ type: 'lead.convert', data, metadata: commandMetadata(request, ctx.now) });
  });

  app.get('/api/v1/leads/:leadId', {
    onRequest: read,
    schema: { operationId: 'getLead', tags, summary: 'A lead (from its event stream: always the latest state)', params, response: { 200: leadViewSchema } },
  }, async (request) => loadLead(ctx.store, ctx.pool, commandMetadata(request, ctx.now).tenantId, request.params.leadId));

  app.get('/api/v1/leads', {
    onRequest: read,
    schema: { operationId: 'listLeads', tags, summary: 'Leads, newest first (projection: eventually consistent)', querystring: leadListQuery, response: { 200: leadListPage } },
  }, async (request) => listLeads(ctx.pool, commandMetadata(request, ctx.now).tenantId, request.query));
}
