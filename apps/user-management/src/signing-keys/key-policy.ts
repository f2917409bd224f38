/** What the rotation rules need to know of a stored key. */
export interface KeyAge {
  kid: string;
  createdAt: Date;
}

export interface KeyPolicy {
  rotationDays: number;
  /** A new key is published this long before it signs. */
  publishLeadSeconds: number;
  /** The longest lifetime of a token any key signs (access or API-key token). */
  maxTokenTtlSeconds: number;
}

const DAY_MS = 86_400_000;
/** Verifiers accept 5 s of clock skew; a minute more keeps a retiring key safely past the last token. */
const DROP_MARGIN_MS = 60_000;

const byAge = <K extends KeyAge>(keys: readonly K[]) =>
  [...keys].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());

/**
 * The key that signs now: the newest one published for at least the lead time. The very first
 * key signs at once (nobody can hold an older JWKS without it).
 */
export function activeKey<K extends KeyAge>(keys: readonly K[], now: Date, policy: KeyPolicy): K | undefined {
  const sorted = byAge(keys);
  const published = sorted.filter((key) => now.getTime() - key.createdAt.getTime() >= policy.publishLeadSeconds * 1000);
  return published.at(-1) ?? sorted[0];
}

/** A new key is due when there is none or the newest is older than the rotation period. */
export function rotationDue(keys: readonly KeyAge[], now: Date, policy: KeyPolicy): boolean {
  const newest = byAge(keys).at(-1);
  return newest === undefined || now.getTime() - newest.createdAt.getTime() >= policy.rotationDays * DAY_MS;
}

/**
 * Keys no valid token can name any more: a key stopped signing when its successor became active
 * (successor's creation + lead); once the longest token lifetime has passed since, it goes.
 */
export function droppableKeys<K extends KeyAge>(keys: readonly K[], now: Date, policy: KeyPolicy): K[] {
  const sorted = byAge(keys);
  return sorted.filter((_key, index) => {
    const successor = sorted[index + 1];
    if (successor === undefined) return false;
    const retiredAt = successor.createdAt.getTime() + policy.publishLeadSeconds * 1000;
    return now.getTime() >= retiredAt + policy.maxTokenTtlSeconds * 1000 + DROP_MARGIN_MS;
  });
}
