import type pg from 'pg';
import { createEvent } from '@bizosaas/event-schemas';
import type { Publish } from '../events/tenant-transaction.ts';
import type { OAuth2Provider } from './token-endpoint.ts';

export interface BrokenConnection {
  client: pg.ClientBase;
  publish: Publish;
  tenantId: string;
  connectionId: string;
  provider: OAuth2Provider;
  now: Date;
}

/**
 * The provider no longer accepts the connection: needs_reauth with the reason, and
 * integration.connection_broken in the same transaction (notification tells the tenant).
 */
export async function markBroken(
  { client, publish, tenantId, connectionId, provider, now }: BrokenConnection,
  reason: 'invalid_grant' | 'unauthorized',
  detail: string,
): Promise<void> {
  await client.query(
    `UPDATE integration.connections SET status = 'needs_reauth', status_reason = $2, updated_at = $3 WHERE id = $1`,
    [connectionId, `${reason}: ${detail}`.slice(0, 500), now],
  );
  await publish([
    createEvent(
      {
        type: 'integration.connection_broken',
        tenantId,
        actor: { type: 'service', id: 'integration' },
        aggregateId: connectionId,
        data: { provider: provider.key, reason, detail: detail.slice(0, 500) },
      },
      { now: () => now },
    ),
  ]);
}
