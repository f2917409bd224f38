import type { EventEnvelope } from '@bizosaas/event-schemas';

/** The field holding the envelope JSON; the other fields are copies for cheap filtering. */
export const ENVELOPE_FIELD = 'envelope';

/** XADD field/value pairs for an envelope. */
export function toStreamFields(event: EventEnvelope): string[] {
  return [
    'id',
    event.id,
    'type',
    event.type,
    'tenantId',
    event.tenantId,
    'aggregateId',
    event.aggregateId,
    ENVELOPE_FIELD,
    JSON.stringify(event),
  ];
}

export interface StreamEntry {
  stream: string;
  id: string;
  /** Flat field/value list exactly as stored (names may repeat in foreign entries). */
  fields: string[];
}

/** The value of the first field named `name`. */
export function fieldValue(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

type RawEntry = [id: string, fields: string[] | null];

/** Entries of one stream as XRANGE, XREADGROUP and XAUTOCLAIM return them. */
export function toEntries(stream: string, raw: readonly RawEntry[]): StreamEntry[] {
  // A null field list is an id still pending but deleted from the stream (trimmed or XDEL).
  return raw.map(([id, fields]) => ({ stream, id, fields: fields ?? [] }));
}

/** Flattens an XREADGROUP reply (null on timeout) into entries in stream order. */
export function fromReadReply(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  return (reply as [string, RawEntry[]][]).flatMap(([stream, entries]) => toEntries(stream, entries));
}
