import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';

/**
 * An UPDATE of one contact that applies only over an older version: a stream's events arrive in
 * order, but a redelivery after a later event must not roll the row back. `set` names columns
 * from $5 on, each followed by ", ".
 */
export const changeContact = (set: string) =>
  `UPDATE contacts SET ${set}version = $3, updated_at = $4
   WHERE tenant_id = $1 AND contact_id = $2 AND version < $3`;

/** $1-$4 of changeContact: the event's tenant, contact, version and time. */
export const changeKey = (event: DomainEvent) => [
  event.tenantId,
  event.aggregateId,
  event.aggregateVersion,
  event.occurredAt,
];

/** A lead's contact or a customer's profile replaced: its name and addresses. */
export async function replaceContactDetails(
  client: pg.ClientBase,
  event: DomainEvent,
  details: { email: string; firstName: string | null; lastName: string | null; phone: string | null },
): Promise<void> {
  const { email, firstName, lastName, phone } = details;
  await client.query(changeContact('email = $5, first_name = $6, last_name = $7, phone = $8, '), [
    ...changeKey(event),
    email,
    firstName,
    lastName,
    phone,
  ]);
}
