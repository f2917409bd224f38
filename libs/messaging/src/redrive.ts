import type { Redis } from 'ioredis';
import { DEAD_LETTER_FIELDS } from './dead-letter.ts';
import { deadLetterStreamKey, groupStreamKey } from './stream-names.ts';

// One script: the copy to the group's own stream and the removal from the dead-letter stream
// happen together, and a dead letter redriven twice at once is copied only once. The
// `dlq:*` fields of the dead letter are dropped; `dlq:redrivenFrom` names it.
const REDRIVE_SCRIPT = `
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return false end
local fields, out, group = found[1][2], {}, nil
for i = 1, #fields, 2 do
  if fields[i] == ARGV[3] then group = fields[i + 1] end
  if string.sub(fields[i], 1, 4) ~= 'dlq:' then
    out[#out + 1] = fields[i]
    out[#out + 1] = fields[i + 1]
  end
end
if group ~= ARGV[2] then return redis.error_reply('WRONGGROUP the dead letter belongs to another group') end
out[#out + 1] = ARGV[4]
out[#out + 1] = ARGV[1]
local id = redis.call('XADD', KEYS[2], '*', unpack(out))
redis.call('XDEL', KEYS[1], ARGV[1])
return id`;

export interface RedriveInput {
  /** The stream the dead letter belongs to (not its `:dlq` key). */
  stream: string;
  /** The dead letter's id in `<stream>:dlq`. */
  deadLetterId: string;
  /** The group it died in (its `dlq:group`); a mismatch is refused (WRONGGROUP). */
  group: string;
}

/**
 * Moves a dead letter back as a new entry of `<stream>:group:<group>`, which only consumers of
 * that group read: that group handles it again, no other group sees it. Resolves to the new
 * entry id, or undefined when the dead letter no longer exists.
 */
export async function redriveDeadLetter(redis: Redis, input: RedriveInput): Promise<string | undefined> {
  const keys = [deadLetterStreamKey(input.stream), groupStreamKey(input.stream, input.group)];
  const id = await redis.eval(
    REDRIVE_SCRIPT,
    2,
    ...keys,
    input.deadLetterId,
    input.group,
    DEAD_LETTER_FIELDS.group,
    DEAD_LETTER_FIELDS.redrivenFrom,
  );
  return typeof id === 'string' ? id : undefined;
}
