import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketStart, type Interval } from './buckets.ts';

// The proof that the SQL grouping (date_trunc in PostgreSQL) and the series built in Node agree:
// the same instant, interval and zone give the same bucket start, around summer-time changes too.
const DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const INTERVALS: Interval[] = ['minute', 'hour', 'day', 'week', 'month'];
// Where three of these zones change their clocks in 2026, both ways.
const CHANGES: [string, string][] = [
  ['America/New_York', '2026-03-08T07:00:00Z'],
  ['America/New_York', '2026-11-01T06:00:00Z'],
  ['Europe/London', '2026-03-29T01:00:00Z'],
  ['Europe/London', '2026-10-25T01:00:00Z'],
  ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
  ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
];
const SEED = 20261207;
const HOUR = 3_600_000;

// mulberry32: a seeded generator, so a failure names a triple that can be replayed.
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Triple {
  at: number;
  interval: Interval;
  zone: string;
}

function triples(count: number): Triple[] {
  const random = seeded(SEED);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const [changeZone, change] = pick(CHANGES);
    const near = i % 2 === 0;
    const base = near
      ? Date.parse(change) + (random() - 0.5) * 6 * HOUR
      : Date.UTC(1995, 0, 1) + random() * 40 * 8766 * HOUR;
    // Half land on a whole half hour, right on the edges where the two readings part.
    const at = random() < 0.5 ? Math.round(base / (HOUR / 2)) * (HOUR / 2) : Math.round(base);
    return { at, interval: pick(INTERVALS), zone: near ? changeZone : pick(ZONES) };
  });
}

// Days whose local midnight PostgreSQL has to choose for: skipped (Sao Paulo), repeated (Havana),
// a day that never happened (Apia).
const EDGES: Triple[] = [
  { at: Date.parse('2018-11-04T12:00:00Z'), interval: 'day', zone: 'America/Sao_Paulo' },
  { at: Date.parse('2026-11-01T04:30:00Z'), interval: 'day', zone: 'America/Havana' },
  { at: Date.parse('2026-11-01T04:30:00Z'), interval: 'hour', zone: 'America/Havana' },
  { at: Date.parse('2011-12-31T10:30:00Z'), interval: 'day', zone: 'Pacific/Apia' },
  { at: Date.parse('2026-04-04T15:10:00Z'), interval: 'hour', zone: 'Australia/Lord_Howe' },
];

describe('bucketStart agrees with PostgreSQL date_trunc(interval, ts, zone)', () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
  });

  async function postgresStart({ at, interval, zone }: Triple): Promise<number> {
    const { rows } = await client.query<{ start: string }>(
      'SELECT extract(epoch from date_trunc($1, to_timestamp($2/1000.0), $3))*1000 AS start',
      [interval, at, zone],
    );
    return Number(rows[0]?.start);
  }

  async function disagreements(cases: Triple[]) {
    const found = [];
    for (const triple of cases) {
      const [node, postgres] = [bucketStart(triple.at, triple.interval, triple.zone), await postgresStart(triple)];
      if (node !== postgres) found.push({ ...triple, iso: new Date(triple.at).toISOString(), node, postgres });
    }
    return found;
  }

  it(`on 200 seeded random triples (seed ${SEED}), half within 3 hours of a clock change in its zone`, async () => {
    expect(await disagreements(triples(200))).toEqual([]);
  });

  it('where a local midnight is skipped, repeated or missing', async () => {
    expect(await disagreements(EDGES)).toEqual([]);
  });
});
