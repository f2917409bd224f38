import { AppError } from '@bizosaas/ddd-kernel';
import { describeRefusal, type UrlRefusal } from './outbound-url.ts';

/** Where a refusal happened: the URL before any I/O, or the resolved address when connecting. */
export type RefusalStage = 'url' | 'connect';

/**
 * An outbound request refused by the address policy: names the host, the address and the rule.
 * Retrying cannot help until the target (or its DNS) changes.
 */
export class OutboundAddressRefusedError extends AppError {
  constructor(
    readonly refusal: UrlRefusal,
    readonly stage: RefusalStage,
  ) {
    super('OUTBOUND_ADDRESS_REFUSED', 422, `Outbound request to ${refusal.host} refused: ${describeRefusal(refusal)}`, {
      host: refusal.host,
      address: refusal.address,
      rule: refusal.rule,
      stage,
    });
  }
}
