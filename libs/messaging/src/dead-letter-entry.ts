import { DEAD_LETTER_FIELDS } from './dead-letter.ts';
import { fieldValue, type StreamEntry } from './stream-entry.ts';

/** An entry of `<stream>:dlq`, split into what the consumer added and the original entry. */
export interface DeadLetterEntry {
  /** Its id in the dead-letter stream; the time part is when it was dead-lettered. */
  id: string;
  deadLetteredAt: Date;
  group: string;
  consumer: string;
  error: string;
  deliveries: number;
  /** The entry's id where it failed. */
  originalId: string;
  /** Where it failed: the stream, its high companion or the group's own stream (undefined in older entries). */
  sourceStream: string | undefined;
  /** The dead letter an earlier redrive came from, when it died again after one. */
  redrivenFrom: string | undefined;
  /** The original entry's fields, as published (`envelope`, `id`, `type`, `tenantId`, ...). */
  fields: string[];
}

const DEAD_LETTER_PREFIX = 'dlq:';

/** Splits a dead-letter stream entry (see moveToDeadLetter). */
export function toDeadLetterEntry(entry: StreamEntry): DeadLetterEntry {
  const value = (name: string) => fieldValue(entry.fields, name);
  const fields: string[] = [];
  for (let i = 0; i + 1 < entry.fields.length; i += 2) {
    if (!entry.fields[i]!.startsWith(DEAD_LETTER_PREFIX)) fields.push(entry.fields[i]!, entry.fields[i + 1]!);
  }
  return {
    id: entry.id,
    deadLetteredAt: new Date(Number(entry.id.split('-')[0])),
    group: value(DEAD_LETTER_FIELDS.group) ?? '',
    consumer: value(DEAD_LETTER_FIELDS.consumer) ?? '',
    error: value(DEAD_LETTER_FIELDS.error) ?? '',
    deliveries: Number(value(DEAD_LETTER_FIELDS.deliveries) ?? 0),
    originalId: value(DEAD_LETTER_FIELDS.originalId) ?? '',
    sourceStream: value(DEAD_LETTER_FIELDS.stream),
    redrivenFrom: value(DEAD_LETTER_FIELDS.redrivenFrom),
    fields,
  };
}
