import type { FastifyBaseLogger } from 'fastify';
import { withTransaction } from '@bizosaas/db';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import type { NotificationContext } from '../context.ts';
import { runTrigger, type TriggerSource } from '../triggers/trigger.ts';
import { planEventTriggers } from './plan-event-triggers.ts';
import { isRuleEventType, type Rule } from './rule.ts';
import { rulesForEvent } from './rule-store.ts';

/**
 * Refusals that retrying the event cannot change: the tenant has no template for the rule's key
 * (or channels), or the rule changed since an earlier delivery triggered it (its transactionId
 * then stands for a request already handled).
 */
const SETTLED = new Set(['template_exists', 'transaction_id_reused']);

const sourceOf = (event: EventEnvelope, rule: Rule): TriggerSource => ({
  tenantId: event.tenantId,
  causation: { actor: event.actor, correlationId: event.correlationId, causationId: event.id },
  trigger: { source: 'event', eventId: event.id, eventType: event.type, ruleId: rule.id },
});

/**
 * Runs every enabled rule of the event's tenant and type. Each trigger is its own transaction
 * and is idempotent by its transactionId (event and rule), so a delivery that fails half way is
 * retried whole: the triggers already stored answer as repeats and send nothing more.
 * Resolves to the number of triggers that stored new messages.
 */
export async function triggerEventRules(
  ctx: NotificationContext,
  event: EventEnvelope,
  log: FastifyBaseLogger,
): Promise<number> {
  // A replay re-reads history for a consumer's state; it never sends old news again.
  if (!isRuleEventType(event.type) || event.metadata?.replay) return 0;
  const rules = await withTransaction(ctx.pool, (client) => rulesForEvent(client, event.type), {
    tenantId: event.tenantId,
  });
  let triggered = 0;
  for (const planned of planEventTriggers(event, rules)) {
    const about = {
      eventId: event.id,
      eventType: event.type,
      ruleId: planned.rule.id,
      templateKey: planned.rule.templateKey,
    };
    if (planned.outcome === 'skipped') {
      if (planned.reason === 'no_recipient')
        log.info(
          { ...about, recipient: planned.rule.recipient.type, actor: event.actor },
          'rule skipped: no user to send to',
        );
      continue;
    }
    try {
      const { repeated } = await runTrigger(ctx, planned.input, sourceOf(event, planned.rule));
      if (!repeated) triggered += 1;
    } catch (error) {
      if (!(error instanceof BusinessRuleViolation) || !SETTLED.has(String(error.details.rule))) throw error;
      log.info({ ...about, reason: error.details.rule, message: error.message }, 'rule skipped');
    }
  }
  return triggered;
}
