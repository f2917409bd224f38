import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { firstOffsetChange, offsetAt, readWall } from './wall-time.ts';

const NEW_YORK = IANAZone.create('America/New_York');
const HOUR = 3_600_000;
const wall = (iso: string) => Date.parse(`${iso}Z`);
const at = (iso: string) => Date.parse(iso);

describe('readWall', () => {
  it('reads an ordinary wall time as its one instant', () => {
    expect(readWall(NEW_YORK, wall('2026-07-01T09:15:00'))).toEqual({
      first: at('2026-07-01T13:15:00Z'),
      postgres: at('2026-07-01T13:15:00Z'),
    });
  });

  it('reads a repeated wall time as the earlier instant first and the later for PostgreSQL', () => {
    expect(readWall(NEW_YORK, wall('2026-11-01T01:30:00'))).toEqual({
      first: at('2026-11-01T05:30:00Z'),
      postgres: at('2026-11-01T06:30:00Z'),
    });
  });

  it('reads a skipped wall time as the change itself first and the old offset for PostgreSQL', () => {
    expect(readWall(NEW_YORK, wall('2026-03-08T02:30:00'))).toEqual({
      first: at('2026-03-08T07:00:00Z'),
      postgres: at('2026-03-08T07:30:00Z'),
    });
  });
});

describe('firstOffsetChange', () => {
  it('finds the millisecond the offset changes', () => {
    const change = at('2026-03-08T07:00:00Z');
    expect(firstOffsetChange(NEW_YORK, change - 5 * HOUR, change + 3 * HOUR)).toBe(change);
    expect(offsetAt(NEW_YORK, change - 1)).toBe(-5 * HOUR);
    expect(offsetAt(NEW_YORK, change)).toBe(-4 * HOUR);
  });
});
