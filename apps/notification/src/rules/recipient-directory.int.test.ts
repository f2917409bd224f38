import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { createEvent } from '@bizosaas/event-schemas';
import { startTestApp, type TestApp } from '../test-support.ts';
import { applyToDirectory } from './recipient-directory.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { features: [] });
});
afterAll(async () => {
  await t?.close();
});

const SEALED = 'enc:v1:1:c2VhbGVkIHZhbHVlIG9mIGFuIGVtYWlsIGFkZHJlc3M=';
const actor = { type: 'service', id: 'user-management' } as const;
const at = (iso: string) => ({ now: () => new Date(iso) });

function subject() {
  const tenantId = randomUUID();
  const userId = randomUUID();
  const created = (iso: string, email = 'jane@example.com', firstName: string | null = 'Jane') =>
    createEvent(
      {
        type: 'user.created',
        tenantId,
        actor,
        aggregateId: userId,
        data: { email, firstName, lastName: 'Doe', roles: ['member'], status: 'active' },
      },
      at(iso),
    );
  const updated = (iso: string, changes: { email?: string; firstName?: string; lastName?: string }) =>
    createEvent({ type: 'user.updated', tenantId, actor, aggregateId: userId, data: { changes } }, at(iso));
  const deactivated = (iso: string) =>
    createEvent(
      { type: 'user.deactivated', tenantId, actor, aggregateId: userId, data: { reason: 'left_company', note: null } },
      at(iso),
    );
  const apply = (event: Parameters<typeof applyToDirectory>[1]) =>
    withTransaction(t.pool, (client) => applyToDirectory(client, event), { tenantId });
  const row = () =>
    withTransaction(
      t.pool,
      async (client) =>
        (
          await client.query<{
            email: string;
            first_name: string | null;
            last_name: string | null;
            active: boolean;
            updated_at: Date;
          }>(
            'SELECT email, first_name, last_name, active, updated_at FROM notification.recipients WHERE user_id = $1',
            [userId],
          )
        ).rows[0],
      { tenantId },
    );
  return { tenantId, userId, created, updated, deactivated, apply, row };
}

describe('recipient directory', () => {
  it('adds a created user and applies later updates and the deactivation', async () => {
    const s = subject();
    expect(await s.apply(s.created('2026-01-01T10:00:00.000Z'))).toBe('applied');
    expect(await s.row()).toEqual({
      email: 'jane@example.com',
      first_name: 'Jane',
      last_name: 'Doe',
      active: true,
      updated_at: new Date('2026-01-01T10:00:00.000Z'),
    });
    expect(
      await s.apply(s.updated('2026-01-02T10:00:00.000Z', { email: 'jane.smith@example.com', lastName: 'Smith' })),
    ).toBe('applied');
    expect(await s.row()).toMatchObject({ email: 'jane.smith@example.com', first_name: 'Jane', last_name: 'Smith' });
    expect(await s.apply(s.deactivated('2026-01-03T10:00:00.000Z'))).toBe('applied');
    expect(await s.row()).toMatchObject({ active: false, updated_at: new Date('2026-01-03T10:00:00.000Z') });
  });

  it('never lets an older event overwrite a newer one', async () => {
    const s = subject();
    await s.apply(s.created('2026-01-01T10:00:00.000Z'));
    await s.apply(s.updated('2026-01-05T10:00:00.000Z', { email: 'new@example.com' }));
    expect(
      await s.apply(s.updated('2026-01-03T10:00:00.000Z', { email: 'stale@example.com', lastName: 'Stale' })),
    ).toBe('older');
    expect(await s.apply(s.deactivated('2026-01-04T10:00:00.000Z'))).toBe('older');
    expect(await s.row()).toEqual({
      email: 'new@example.com',
      first_name: 'Jane',
      last_name: 'Doe',
      active: true,
      updated_at: new Date('2026-01-05T10:00:00.000Z'),
    });
  });

  it('a creation seen after a newer update keeps the update and fills only the names it lacks', async () => {
    const s = subject();
    expect(
      await s.apply(s.updated('2026-02-02T00:00:00.000Z', { email: 'later@example.com', lastName: 'Later' })),
    ).toBe('applied');
    expect(await s.row()).toMatchObject({
      email: 'later@example.com',
      first_name: null,
      last_name: 'Later',
      active: true,
    });
    expect(await s.apply(s.created('2026-02-01T00:00:00.000Z'))).toBe('older');
    expect(await s.row()).toEqual({
      email: 'later@example.com',
      first_name: 'Jane',
      last_name: 'Later',
      active: true,
      updated_at: new Date('2026-02-02T00:00:00.000Z'),
    });
  });

  it('treats a sealed email as unusable: no row from it, and an update keeps the readable address', async () => {
    const s = subject();
    expect(await s.apply(s.created('2026-03-01T00:00:00.000Z', SEALED))).toBe('sealed_email');
    expect(await s.row()).toBeUndefined();
    await s.apply(s.created('2026-03-01T00:00:00.000Z', 'jane@example.com', SEALED));
    expect(await s.row()).toMatchObject({ email: 'jane@example.com', first_name: null });
    await s.apply(s.updated('2026-03-02T00:00:00.000Z', { email: SEALED, firstName: 'Janet' }));
    expect(await s.row()).toMatchObject({ email: 'jane@example.com', first_name: 'Janet' });
  });

  it('cannot start a row for an unknown user without an address', async () => {
    const s = subject();
    expect(await s.apply(s.updated('2026-04-01T00:00:00.000Z', { firstName: 'Nobody' }))).toBe('unknown_user');
    expect(await s.apply(s.deactivated('2026-04-02T00:00:00.000Z'))).toBe('unknown_user');
    expect(await s.row()).toBeUndefined();
  });
});
