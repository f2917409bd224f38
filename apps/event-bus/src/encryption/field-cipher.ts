import { isSealedValue, SEALED_VALUE_PATTERN as SEALED } from '@bizosaas/event-schemas';
import { DecryptionFailedError, openBytes, sealBytes } from '@bizosaas/envelope-encryption';

// `enc:v1:<data key version>:<base64 of iv | tag | ciphertext>`: readers know which data key opens it.

/** Where a field value lives; bound into its ciphertext so it cannot be moved elsewhere. */
export interface FieldContext {
  tenantId: string;
  eventId: string;
  /** Concrete path inside `data`, e.g. `contact.email` or `attendees[2].phone`. */
  path: string;
}

const aadOf = ({ tenantId, eventId, path }: FieldContext) =>
  `bizosaas.event-field.v1|${tenantId.toLowerCase()}|${eventId.toLowerCase()}|${path}`;

export const isSealedField = isSealedValue;

/** The data key version of a sealed value (undefined when the value is not one). */
export function sealedVersion(value: unknown): number | undefined {
  const match = typeof value === 'string' ? SEALED.exec(value) : null;
  return match ? Number(match[1]) : undefined;
}

/** Seals any JSON value (its JSON text) under a tenant's data key of `version`. */
export function sealField(key: Buffer, version: number, value: unknown, context: FieldContext): string {
  const sealed = sealBytes(key, Buffer.from(JSON.stringify(value), 'utf8'), aadOf(context));
  return `enc:v1:${version}:${sealed.toString('base64')}`;
}

/** Opens a sealed value with the data key its version names; tampering or a moved value throws DecryptionFailedError. */
export function openField(key: Buffer, sealed: string, context: FieldContext): unknown {
  const match = SEALED.exec(sealed);
  const details = { eventId: context.eventId, path: context.path };
  if (!match) throw new DecryptionFailedError('not an enc:v1 value', details);
  const text = openBytes(key, Buffer.from(match[2]!, 'base64'), aadOf(context), details).toString('utf8');
  return JSON.parse(text) as unknown;
}
