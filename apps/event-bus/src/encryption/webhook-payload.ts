import type { EventEnvelope } from '@bizosaas/event-schemas';
import type { EventEncryption } from './event-encryption.ts';
import type { MasterKeyring } from '@bizosaas/envelope-encryption';
import { openWebhookSecret } from './webhook-secrets.ts';

export interface StoredDelivery {
  /** The subscription's owner tenant. */
  tenant_id: string;
  subscription_id: string;
  /** The envelope as stored (sensitive fields sealed). */
  body: string;
  /** The subscription's secret as stored (sealed). */
  secret: string;
}

/**
 * What a delivery sends and signs with. A tenant's own subscription gets its events in
 * plaintext: the subscriber is a caller of that tenant. An all-tenants (platform service)
 * subscription gets other tenants' events as stored, sensitive fields sealed: it is not a caller
 * of those tenants, and decryption stays with the tenant.
 */
export function webhookPayloads(encryption: EventEncryption, keyring: MasterKeyring) {
  return async (delivery: StoredDelivery): Promise<{ body: string; secret: string }> => {
    const secret = openWebhookSecret(keyring, delivery.secret, {
      tenantId: delivery.tenant_id,
      subscriptionId: delivery.subscription_id,
    });
    const event = JSON.parse(delivery.body) as EventEnvelope;
    if (event.tenantId !== delivery.tenant_id) return { body: delivery.body, secret };
    return { body: JSON.stringify(await encryption.open(event)), secret };
  };
}
