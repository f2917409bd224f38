import type { Redis } from 'ioredis';

// One script, so no group can be created, rewound (XGROUP SETID) or read from between computing
// the bound and trimming. The bound is the lowest, over every group, of its oldest pending
// entry and its last-delivered id: everything at or above it stays, which covers every pending
// entry and everything not yet delivered. Ids are compared as (ms, seq) digit strings, exactly.
const TRIM_SCRIPT = `
local function less(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if #am ~= #bm then return #am < #bm end
  if am ~= bm then return am < bm end
  if #as ~= #bs then return #as < #bs end
  return as < bs
end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'', 0} end
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then return {'', 0} end
local bound = ''
local keepMs = tonumber(ARGV[1])
if keepMs > 0 then
  local now = redis.call('TIME')
  bound = string.format('%.0f-0', math.max(0, now[1] * 1000 + math.floor(now[2] / 1000) - keepMs))
end
for _, group in ipairs(groups) do
  local info = {}
  for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
  local keep = info['last-delivered-id']
  if info['pending'] > 0 then
    local oldest = redis.call('XPENDING', KEYS[1], info['name'])[2]
    if less(oldest, keep) then keep = oldest end
  end
  if bound == '' or less(keep, bound) then bound = keep end
end
return {bound, redis.call('XTRIM', KEYS[1], 'MINID', bound)}`;

export interface TrimSafelyOptions {
  /**
   * Also keep entries younger than this (by the time in their id, Redis's clock), e.g. a day
   * for inspection and late debugging. Default 0: trim everything every group is done with.
   */
  keepNewerThanMs?: number;
}

export interface TrimResult {
  /** The MINID used (entries below it were removed), or null when nothing was trimmed because the stream or its groups do not exist. */
  minId: string | null;
  trimmed: number;
}

/**
 * Removes the entries of `stream` that every consumer group has acknowledged: XTRIM MINID at
 * the lowest of each group's oldest pending entry and last-delivered id (XINFO GROUPS +
 * XPENDING), computed and applied atomically in one script. It never removes an entry still
 * pending in any group nor one a group has yet to read. A stream without groups is left alone
 * (a group created later from '0' expects the history). Single key: Redis Cluster safe.
 * Whatever was trimmed is still in the event store: see replayFromStore.
 */
export async function trimSafely(redis: Redis, stream: string, options: TrimSafelyOptions = {}): Promise<TrimResult> {
  const keepNewerThanMs = Math.max(0, Math.trunc(options.keepNewerThanMs ?? 0));
  const [minId, trimmed] = (await redis.eval(TRIM_SCRIPT, 1, stream, keepNewerThanMs)) as [string, number];
  return { minId: minId === '' ? null : minId, trimmed };
}
