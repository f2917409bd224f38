import type pg from 'pg';
import { isSealedValue, type DomainEvent } from '@bizosaas/event-schemas';

type UserEvent<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;
type DirectoryEvent = UserEvent<'user.created' | 'user.updated' | 'user.deactivated'>;

/** What the directory did with an event (for the log). */
export type DirectoryOutcome = 'applied' | 'older' | 'unknown_user' | 'sealed_email';

export const isDirectoryEvent = (event: DomainEvent): event is DirectoryEvent =>
  event.type === 'user.created' || event.type === 'user.updated' || event.type === 'user.deactivated';

/** A sealed value (event-bus archive) cannot be read here: it counts as absent. */
const plain = <T>(value: T | null | undefined): T | null => (value == null || isSealedValue(value) ? null : value);

/**
 * Keeps notification.recipients in step with user-management's user events, on the client of
 * the event's tenant (the inbox transaction). `updated_at` is the occurredAt of the newest event
 * applied: an older event never overwrites what a newer one set, it only fills a name the row
 * lacks (names are never unset by an event).
 */
export async function applyToDirectory(client: pg.PoolClient, event: DirectoryEvent): Promise<DirectoryOutcome> {
  switch (event.type) {
    case 'user.created':
      return userCreated(client, event);
    case 'user.updated':
      return userUpdated(client, event);
    case 'user.deactivated':
      return userDeactivated(client, event);
  }
}

async function userCreated(client: pg.PoolClient, event: UserEvent<'user.created'>) {
  const email = plain(event.data.email);
  if (!email) return 'sealed_email';
  const { rows } = await client.query<{ newer: boolean }>(
    `INSERT INTO notification.recipients AS r (tenant_id, user_id, email, first_name, last_name, active, updated_at)
     VALUES ($1, $2, $3, $4, $5, true, $6)
     ON CONFLICT (tenant_id, user_id) DO UPDATE SET
       email = CASE WHEN r.updated_at < EXCLUDED.updated_at THEN EXCLUDED.email ELSE r.email END,
       first_name = CASE WHEN r.updated_at < EXCLUDED.updated_at THEN EXCLUDED.first_name
                         ELSE COALESCE(r.first_name, EXCLUDED.first_name) END,
       last_name = CASE WHEN r.updated_at < EXCLUDED.updated_at THEN EXCLUDED.last_name
                        ELSE COALESCE(r.last_name, EXCLUDED.last_name) END,
       active = CASE WHEN r.updated_at < EXCLUDED.updated_at THEN true ELSE r.active END,
       updated_at = GREATEST(r.updated_at, EXCLUDED.updated_at)
     RETURNING updated_at = $6 AS newer`,
    [
      event.tenantId,
      event.aggregateId,
      email,
      plain(event.data.firstName),
      plain(event.data.lastName),
      event.occurredAt,
    ],
  );
  return rows[0]!.newer ? 'applied' : 'older';
}

async function userUpdated(client: pg.PoolClient, event: UserEvent<'user.updated'>) {
  const { changes } = event.data;
  const fields = [plain(changes.email), plain(changes.firstName), plain(changes.lastName)];
  for (;;) {
    const { rows } = await client.query<{ newer: boolean }>(
      `UPDATE notification.recipients SET
         email = CASE WHEN updated_at < $3 THEN COALESCE($4, email) ELSE email END,
         first_name = CASE WHEN updated_at < $3 THEN COALESCE($5, first_name) ELSE COALESCE(first_name, $5) END,
         last_name = CASE WHEN updated_at < $3 THEN COALESCE($6, last_name) ELSE COALESCE(last_name, $6) END,
         updated_at = GREATEST(updated_at, $3)
       WHERE tenant_id = $1 AND user_id = $2
       RETURNING updated_at = $3 AS newer`,
      [event.tenantId, event.aggregateId, event.occurredAt, ...fields],
    );
    if (rows[0]) return rows[0].newer ? 'applied' : 'older';
    // Not in the directory (its creation was never seen): an address is enough to start its row.
    if (!fields[0]) return 'unknown_user';
    const inserted = await client.query(
      `INSERT INTO notification.recipients (tenant_id, user_id, email, first_name, last_name, active, updated_at)
       VALUES ($1, $2, $4, $5, $6, true, $3) ON CONFLICT DO NOTHING`,
      [event.tenantId, event.aggregateId, event.occurredAt, ...fields],
    );
    if (inserted.rowCount === 1) return 'applied';
    // Another event of the user created the row meanwhile: update it as above.
  }
}

async function userDeactivated(client: pg.PoolClient, event: UserEvent<'user.deactivated'>) {
  const { rows } = await client.query<{ newer: boolean }>(
    `UPDATE notification.recipients SET
       active = CASE WHEN updated_at < $3 THEN false ELSE active END,
       updated_at = GREATEST(updated_at, $3)
     WHERE tenant_id = $1 AND user_id = $2
     RETURNING updated_at = $3 AS newer`,
    [event.tenantId, event.aggregateId, event.occurredAt],
  );
  if (!rows[0]) return 'unknown_user';
  return rows[0].newer ? 'applied' : 'older';
}
