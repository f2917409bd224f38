/** Descriptions of the OpenAPI document's tags (Swagger UI groups operations by them). */
export const openApiTags: Record<string, string> = {
  templates: 'Message templates per key, channel and locale (nunjucks), versioned, with preview.',
  triggers: 'Send a template to recipients: idempotent per transaction, bulk, cancel.',
  messages: 'Every message with its attempts, provider answers and callbacks; why it was or was not sent.',
  preferences: 'Per-user channel and category choices, quiet hours, and one-click unsubscribe.',
  inbox: 'The in-app inbox of the calling user, and its live stream (server-sent events).',
  rules: 'Which platform events trigger which templates, per tenant.',
  callbacks:
    'Delivery reports, bounces and complaints from providers (signed), SMS STOP and START replies, and tracking links.',
};
