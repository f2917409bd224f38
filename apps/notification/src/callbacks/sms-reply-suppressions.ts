import type pg from 'pg';
import type { SmsReply } from './sms-reply.ts';

// Every tenant that has a message to the number, whatever became of it: all tenants send from the
// one Twilio number, so Twilio's block of the number applies to each of them.
const OPT_OUT = `INSERT INTO notification.suppressions (tenant_id, channel, address, reason, message_id, created_at)
   SELECT DISTINCT tenant_id, 'sms', $1::text, 'unsubscribed', NULL::uuid, $2::timestamptz
   FROM notification.messages WHERE channel = 'sms' AND address = $1
   ON CONFLICT DO NOTHING`;

// Only the opt-out's own reason: a number suppressed for another reason stays suppressed.
const OPT_IN = `DELETE FROM notification.suppressions WHERE channel = 'sms' AND address = $1 AND reason = 'unsubscribed'`;

/**
 * Carries a STOP or START reply into every tenant's suppressions, as the worker role (whose
 * policies let it write exactly these rows) in one statement, so all tenants change together or
 * none does. Opt-out: the number is suppressed as unsubscribed in each tenant that texted it (an
 * existing suppression keeps its reason), so its next trigger is suppressed before any send.
 * Opt-in: its unsubscribed suppressions go. Repeating a reply changes nothing. Resolves with the
 * number of tenants changed. No event is recorded: the catalogue has none for a suppression.
 */
export async function applySmsReply(worker: pg.Pool, reply: SmsReply, at: Date): Promise<number> {
  const result =
    reply.kind === 'opt_out'
      ? await worker.query(OPT_OUT, [reply.phone, at])
      : await worker.query(OPT_IN, [reply.phone]);
  return result.rowCount ?? 0;
}
