import { describe, expect, it } from 'vitest';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { decodeCursor, encodeCursor } from './newest-first-cursor.ts';

describe('newest-first cursor', () => {
  it("gives back the last row's time and id, and refuses anything else naming cursor", () => {
    const id = '0192f5a4-2c3d-7e4f-8a50-617283940a1b';
    expect(decodeCursor(encodeCursor(new Date('2026-12-07T10:00:00Z'), id))).toEqual(['2026-12-07T10:00:00.000Z', id]);
    for (const bad of ['', 'not-a-cursor', Buffer.from('2026-12-07|not-an-id').toString('base64url')]) {
      const error = (() => {
        try {
          decodeCursor(bad);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toMatchObject({ issues: [{ path: 'cursor', location: 'query' }] });
    }
  });
});
