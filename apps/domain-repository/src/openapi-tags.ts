/** Descriptions of the OpenAPI document's tags (Swagger UI groups operations by them). */
export const openApiTags: Record<string, string> = {
  leads:
    'Lead aggregate: capture, contact, score, qualify, nurture, close, interactions, conversion into a customer; reads; the tenant policy for AI lead scores.',
  customers: 'Customer aggregate: creation, profile and preferences, purchases, tier and churn risk; reads.',
  campaigns:
    'Campaign aggregate: drafting, schedule, launch, pause, resume, completion, budget and AI optimisation; reads.',
  'crm-events':
    'Change notifications from Salesforce, HubSpot and Pipedrive: received, logged once, applied in the background.',
};
