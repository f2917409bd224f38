import { eventCatalogue, findDefinition, type EventEnvelope } from '@bizosaas/event-schemas';
import { DecryptionFailedError, type DataKeyStore } from '@bizosaas/envelope-encryption';
import { isSealedField, openField, sealedVersion, sealField } from './field-cipher.ts';
import { mapSensitive, sensitiveValues } from './sensitive-walk.ts';

/** The catalogue's sensitive paths of a type; a type this build does not know has none. */
export const catalogueSensitivePaths = (type: string): readonly string[] =>
  findDefinition(eventCatalogue, type)?.sensitivePaths ?? [];

export interface EventEncryption {
  /** Publish: every sensitive value is sealed (a caller's values are plaintext, whatever they look like). */
  seal(event: EventEnvelope): Promise<EventEnvelope>;
  /** Archive: plaintext sensitive values (from producers that do not encrypt) are sealed; sealed ones are kept. */
  sealStored(event: EventEnvelope): Promise<EventEnvelope>;
  /** For callers of the event's tenant: sealed values opened; a value that fails authentication throws DECRYPTION_FAILED. */
  open(event: EventEnvelope): Promise<EventEnvelope>;
}

/**
 * Envelope encryption of the catalogue's sensitive fields under the event tenant's data key.
 * Each value is bound to (tenant, event id, path), so it cannot be moved to another tenant,
 * event or field; its string names the data key version that opens it.
 */
export function createEventEncryption(keys: DataKeyStore, sensitivePathsOf = catalogueSensitivePaths): EventEncryption {
  const keyOf = (event: EventEnvelope, version: number) =>
    keys.version(event.tenantId, version).catch((error: unknown) => {
      throw error instanceof DecryptionFailedError
        ? new DecryptionFailedError(error.message.replace(/^[^:]*: /, ''), { eventId: event.id, ...error.details })
        : error;
    });

  async function seal(event: EventEnvelope, keepSealed: boolean): Promise<EventEnvelope> {
    const paths = sensitivePathsOf(event.type);
    const pending = sensitiveValues(event.data, paths).filter(({ value }) => !(keepSealed && isSealedField(value)));
    if (pending.length === 0) return event;
    const { version, key } = await keys.active(event.tenantId);
    const data = mapSensitive(event.data, paths, (value, path) =>
      keepSealed && isSealedField(value)
        ? value
        : sealField(key, version, value, { tenantId: event.tenantId, eventId: event.id, path }),
    );
    return { ...event, data };
  }

  return {
    seal: (event) => seal(event, false),
    sealStored: (event) => seal(event, true),
    async open(event) {
      const paths = sensitivePathsOf(event.type);
      const versions = new Set(
        sensitiveValues(event.data, paths)
          .map(({ value }) => sealedVersion(value))
          .filter((v) => v !== undefined),
      );
      if (versions.size === 0) return event;
      const byVersion = new Map(await Promise.all([...versions].map(async (v) => [v, await keyOf(event, v)] as const)));
      const data = mapSensitive(event.data, paths, (value, path) => {
        const version = sealedVersion(value);
        // Values archived before encryption existed are plaintext: shown as they are.
        return version === undefined
          ? value
          : openField(byVersion.get(version)!, value as string, { tenantId: event.tenantId, eventId: event.id, path });
      });
      return { ...event, data };
    },
  };
}
