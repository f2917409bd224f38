import { ValidationError } from '@bizosaas/ddd-kernel';
import {
  deadLetterStreamKey,
  ENVELOPE_FIELD,
  eventStreamKey,
  fieldValue,
  toDeadLetterEntry,
  toEntries,
  type DeadLetterEntry,
} from '@bizosaas/messaging';
import type { Redis } from 'ioredis';

/** Who may see what: a platform service sees every tenant's dead letters, anyone else only their tenant's. */
export interface DeadLetterScope {
  tenantId: string;
  allTenants: boolean;
}

export interface DeadLetterFilter {
  group?: string | undefined;
  type?: string | undefined;
  /** Narrows a platform service's view to one tenant (a tenant caller is always narrowed to its own). */
  tenantId?: string | undefined;
}

/** One dead letter of an internal consumer group, as the API shows it. */
export interface ConsumerDeadLetter {
  id: string;
  aggregateType: string;
  stream: string;
  sourceStream: string | null;
  group: string;
  consumer: string;
  originalEntryId: string;
  error: string;
  deliveries: number;
  deadLetteredAt: string;
  redrivenFrom: string | null;
  eventId: string | null;
  eventType: string | null;
  tenantId: string | null;
}

export interface Located {
  aggregateType: string;
  /** The event stream the dead letter belongs to (not its `:dlq` key). */
  stream: string;
  entry: DeadLetterEntry;
}

const CHUNK = 200;

/** The envelope JSON of a dead letter: parsed, the raw text when it is not JSON, null when absent. */
export function envelopeOf(entry: DeadLetterEntry): unknown {
  const raw = fieldValue(entry.fields, ENVELOPE_FIELD);
  if (raw === undefined) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

// The publisher writes flat copies of id, type and tenantId; entries written by other means may
// carry only the envelope.
function flat(entry: DeadLetterEntry, name: 'id' | 'type' | 'tenantId'): string | null {
  const value = fieldValue(entry.fields, name);
  if (value !== undefined) return value;
  const envelope = envelopeOf(entry);
  const nested =
    typeof envelope === 'object' && envelope !== null ? (envelope as Record<string, unknown>)[name] : undefined;
  return typeof nested === 'string' ? nested : null;
}

export function toView({ aggregateType, stream, entry }: Located): ConsumerDeadLetter {
  return {
    id: entry.id,
    aggregateType,
    stream,
    sourceStream: entry.sourceStream ?? null,
    group: entry.group,
    consumer: entry.consumer,
    originalEntryId: entry.originalId,
    error: entry.error,
    deliveries: entry.deliveries,
    deadLetteredAt: entry.deadLetteredAt.toISOString(),
    redrivenFrom: entry.redrivenFrom ?? null,
    eventId: flat(entry, 'id'),
    eventType: flat(entry, 'type'),
    tenantId: flat(entry, 'tenantId')?.toLowerCase() ?? null,
  };
}

/** Whether the scope may see it and it passes the filter. Entries without a tenant are the platform's only. */
export function selects(view: ConsumerDeadLetter, scope: DeadLetterScope, filter: DeadLetterFilter): boolean {
  if (!scope.allTenants && view.tenantId !== scope.tenantId) return false;
  if (filter.tenantId !== undefined && view.tenantId !== filter.tenantId) return false;
  if (filter.group !== undefined && view.group !== filter.group) return false;
  return filter.type === undefined || view.eventType === filter.type;
}

export const streamOf = (namespace: string, aggregateType: string) => eventStreamKey(aggregateType, namespace);

/** One dead letter by aggregate type and id, or undefined. */
export async function findDeadLetter(
  redis: Redis,
  namespace: string,
  aggregateType: string,
  id: string,
): Promise<Located | undefined> {
  const stream = streamOf(namespace, aggregateType);
  const key = deadLetterStreamKey(stream);
  const [entry] = toEntries(key, await redis.xrange(key, id, id));
  return entry ? { aggregateType, stream, entry: toDeadLetterEntry(entry) } : undefined;
}

export interface ScanStart {
  /** Index into the aggregate types scanned. */
  index: number;
  /** Continue after this dead-letter id of that type. */
  after?: string;
}

/** Every dead letter of the given types' streams, type by type, oldest first, up to `end` (an id, default all). */
export async function* scanDeadLetters(
  redis: Redis,
  namespace: string,
  types: readonly string[],
  start: ScanStart = { index: 0 },
  end = '+',
): AsyncGenerator<Located & { index: number }> {
  for (let index = start.index; index < types.length; index += 1) {
    const aggregateType = types[index]!;
    const stream = streamOf(namespace, aggregateType);
    const key = deadLetterStreamKey(stream);
    let from = index === start.index && start.after ? `(${start.after}` : '-';
    for (;;) {
      const raw = (await redis.xrange(key, from, end, 'COUNT', CHUNK)) as [string, string[]][];
      for (const entry of toEntries(key, raw)) yield { index, aggregateType, stream, entry: toDeadLetterEntry(entry) };
      if (raw.length < CHUNK) break;
      from = `(${raw.at(-1)![0]}`;
    }
  }
}

export const encodeCursor = (aggregateType: string, id: string) =>
  Buffer.from(JSON.stringify([aggregateType, id])).toString('base64url');

export function decodeCursor(cursor: string | undefined, types: readonly string[]): ScanStart {
  if (cursor === undefined) return { index: 0 };
  try {
    const [aggregateType, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    const index = types.indexOf(aggregateType as string);
    if (index >= 0 && typeof id === 'string' && /^\d{1,20}-\d{1,20}$/.test(id)) return { index, after: id };
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError('Invalid cursor', [
    { path: 'cursor', message: 'must be a nextCursor returned by this endpoint with the same aggregateType' },
  ]);
}
