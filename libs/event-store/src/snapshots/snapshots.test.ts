import { describe, expect, it } from 'vitest';
import { crossedSnapshotPoint } from './snapshots.ts';

describe('crossedSnapshotPoint', () => {
  it('is due at every multiple of N for single-event appends', () => {
    const due = Array.from({ length: 12 }, (_, index) => index + 1).filter((version) =>
      crossedSnapshotPoint(5, version),
    );
    expect(due).toEqual([5, 10]);
  });

  it('is due when a batch jumps over a multiple', () => {
    expect(crossedSnapshotPoint(5, 7, 3)).toBe(true);
    expect(crossedSnapshotPoint(5, 9, 6)).toBe(false);
    expect(crossedSnapshotPoint(5, 10, 9)).toBe(true);
  });
});
