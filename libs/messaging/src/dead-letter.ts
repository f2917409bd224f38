import type { Redis } from 'ioredis';
import { deadLetterStreamKey } from './stream-names.ts';

/** Fields a dead-letter entry has besides the original entry's fields. */
export const DEAD_LETTER_FIELDS = {
  error: 'dlq:error',
  deliveries: 'dlq:deliveries',
  originalId: 'dlq:originalId',
  group: 'dlq:group',
  consumer: 'dlq:consumer',
  /** The stream the entry was read from (the stream itself, or its high or group companion). */
  stream: 'dlq:stream',
  /** Set on a redriven entry: the dead letter it came from (kept if it dies again). */
  redrivenFrom: 'dlq:redrivenFrom',
} as const;

// One script, so the copy and the ack happen together or not at all. It acts only while the
// entry is still pending for this consumer: if another consumer has claimed it meanwhile,
// that one decides, and the entry is never dead-lettered twice.
const MOVE_SCRIPT = `
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 or pending[1][2] ~= ARGV[2] then return 0 end
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 4))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
return 1`;

export interface DeadLetterInput {
  /** Where the entry is pending. */
  stream: string;
  /** Default `<stream>:dlq`; a companion stream's entries go to their base stream's. */
  deadLetterStream?: string;
  group: string;
  consumer: string;
  entryId: string;
  /** The original entry's field/value list, copied as is. */
  fields: readonly string[];
  error: string;
  deliveries: number;
}

/**
 * Atomically copies a pending entry to `<stream>:dlq` with the error, delivery count, group,
 * consumer and original id, and acknowledges it in the source. Resolves to false when the
 * entry was no longer pending for this consumer (nothing changed).
 */
export async function moveToDeadLetter(redis: Redis, input: DeadLetterInput): Promise<boolean> {
  const fields = [
    ...input.fields,
    DEAD_LETTER_FIELDS.error,
    input.error.slice(0, 4_000),
    DEAD_LETTER_FIELDS.deliveries,
    String(input.deliveries),
    DEAD_LETTER_FIELDS.originalId,
    input.entryId,
    DEAD_LETTER_FIELDS.group,
    input.group,
    DEAD_LETTER_FIELDS.consumer,
    input.consumer,
    DEAD_LETTER_FIELDS.stream,
    input.stream,
  ];
  const keys = [input.stream, input.deadLetterStream ?? deadLetterStreamKey(input.stream)];
  const moved = await redis.eval(MOVE_SCRIPT, 2, ...keys, input.group, input.consumer, input.entryId, ...fields);
  return moved === 1;
}
