import { describe, expect, it } from 'vitest';
import { nextRunAfter, scheduleProblem } from './sync-schedule.ts';
import { createSyncBody } from './sync.ts';

describe('sync schedules', () => {
  it('are 5-field cron patterns read in UTC', () => {
    expect(scheduleProblem('*/15 * * * *')).toBeNull();
    expect(nextRunAfter('*/15 * * * *', new Date('2026-03-01T10:07:00Z'))).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(nextRunAfter('0 3 * * *', new Date('2026-03-01T03:00:00Z'))).toEqual(new Date('2026-03-02T03:00:00Z'));
  });

  it("refuse seconds, bad fields and patterns that never fire, with croner's reason", () => {
    expect(scheduleProblem('* * * * * *')).toMatch(/5 parts/);
    expect(scheduleProblem('61 * * * *')).toMatch(/minute/);
    expect(scheduleProblem('0 0 30 2 *')).toBe('never runs');
    const parsed = createSyncBody.safeParse({
      connectionId: crypto.randomUUID(),
      model: 'contacts',
      mode: 'full',
      schedule: 'every hour',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({
      path: ['schedule'],
      message: expect.stringMatching(/^must be a 5-field cron pattern/),
    });
  });
});
