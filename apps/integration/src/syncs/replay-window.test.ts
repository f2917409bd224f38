import { describe, expect, it } from 'vitest';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { replayBody, replayWindow } from './replay-window.ts';

const now = new Date('2026-12-07T12:00:00.000Z');

function issuesOf(body: { from: string; to: string }) {
  try {
    replayWindow(body, now);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details.issues as { path: string; message: string }[];
  }
  return [];
}

describe('a replay window', () => {
  it('is from (inclusive) to (exclusive), up to 31 days, ending now at the latest', () => {
    expect(replayWindow({ from: '2026-11-06T12:00:00.000Z', to: '2026-12-07T12:00:00.000Z' }, now)).toEqual({
      from: new Date('2026-11-06T12:00:00.000Z'),
      to: new Date('2026-12-07T12:00:00.000Z'),
    });
    expect(replayWindow({ from: '2026-12-07T13:00:00+02:00', to: '2026-12-07T14:00:00+02:00' }, now).from).toEqual(
      new Date('2026-12-07T11:00:00.000Z'),
    );
  });

  it('names every broken rule: to not after from, longer than 31 days, in the future beyond the skew', () => {
    expect(issuesOf({ from: '2026-12-01T00:00:00Z', to: '2026-12-01T00:00:00Z' })).toEqual([
      { path: 'to', message: 'must be after from', location: 'body' },
    ]);
    expect(issuesOf({ from: '2026-11-06T11:59:59.999Z', to: '2026-12-07T12:00:00Z' })).toEqual([
      { path: 'to', message: 'must be at most 31 days after from', location: 'body' },
    ]);
    expect(issuesOf({ from: '2026-12-07T11:00:00Z', to: '2026-12-07T12:01:00Z' })).toEqual([]);
    expect(issuesOf({ from: '2026-12-07T11:00:00Z', to: '2026-12-07T12:01:00.001Z' }).map((i) => i.path)).toEqual([
      'to',
    ]);
    expect(issuesOf({ from: '2026-12-08T00:00:00Z', to: '2026-12-07T00:00:00Z' }).map((i) => i.path)).toEqual([
      'from',
      'to',
    ]);
  });

  it('is a strict body of two instants with an offset', () => {
    expect(replayBody.safeParse({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', extra: 1 }).success).toBe(
      false,
    );
    expect(replayBody.safeParse({ from: '2026-12-01', to: '2026-12-02T00:00:00Z' }).success).toBe(false);
  });
});
