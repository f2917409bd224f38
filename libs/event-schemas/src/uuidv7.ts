import { randomBytes } from 'node:crypto';

export interface Uuidv7Sources {
  /** Milliseconds since the Unix epoch. */
  now?: () => number;
  /** Returns `size` random bytes. */
  random?: (size: number) => Uint8Array;
}

/**
 * Builds a UUIDv7 generator (RFC 9562 §5.7): 48-bit Unix-ms timestamp, version 7, 12-bit
 * counter in rand_a (§6.2 method 1), variant 10, 62 random bits. Ids from one generator are
 * strictly increasing as strings, even within one millisecond or when the clock steps back.
 */
export function createUuidv7({ now = Date.now, random = randomBytes }: Uuidv7Sources = {}): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    const bytes = random(10);
    let ms = Math.max(now(), lastMs);
    if (ms === lastMs && counter < 0xfff) {
      counter += 1;
    } else {
      // A new millisecond (or an exhausted counter, which borrows the next one) reseeds the
      // counter with 11 random bits, leaving headroom for ~2k more ids in that millisecond.
      if (ms === lastMs) ms += 1;
      counter = ((bytes[0]! << 8) | bytes[1]!) & 0x7ff;
    }
    lastMs = ms;
    const out = Buffer.alloc(16);
    out.writeUIntBE(ms, 0, 6);
    out[6] = 0x70 | (counter >> 8);
    out[7] = counter & 0xff;
    out.set(bytes.subarray(2, 10), 8);
    out[8] = 0x80 | (out[8]! & 0x3f);
    const hex = out.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/**
 * Random bytes handed out from a pool refilled `poolSize` bytes at a time from the CSPRNG (as
 * crypto.randomUUID does): one system call per ~400 ids instead of one per id. The bytes are
 * read at once by the caller and never handed out twice.
 */
export function pooledRandom(poolSize = 4096): (size: number) => Uint8Array {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return (size) => {
    if (offset + size > pool.length) {
      pool = randomBytes(Math.max(poolSize, size));
      offset = 0;
    }
    offset += size;
    return pool.subarray(offset - size, offset);
  };
}

/** The process-wide UUIDv7 generator (real clock, crypto randomness). */
export const uuidv7: () => string = createUuidv7({ random: pooledRandom() });

/** The Unix-ms timestamp a UUIDv7 carries in its first 48 bits. */
export function uuidv7Timestamp(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
