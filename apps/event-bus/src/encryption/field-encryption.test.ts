import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecryptionFailedError } from '@bizosaas/envelope-encryption';
import { isSealedField, openField, sealedVersion, sealField } from './field-cipher.ts';
import { mapSensitive, sensitiveValues } from './sensitive-walk.ts';

const data = {
  name: 'Ada',
  contact: { email: 'ada@example.com', phone: null },
  attendees: [{ phone: '+44 1', role: 'host' }, { role: 'guest' }, { phone: '+44 3', role: 'guest' }],
  rooms: [{ people: [{ email: 'a@x.io' }, { email: 'b@x.io' }] }, { people: [] }],
  tags: ['vip', 'early'],
  score: 7,
};
const paths = [
  'contact.email',
  'contact.phone',
  'attendees[].phone',
  'rooms[].people[].email',
  'tags[]',
  'missing.field',
  'name.not_an_object',
];

describe('the walk over sensitive paths', () => {
  it('visits every present, non-null value with its concrete path, arrays by index', () => {
    expect(sensitiveValues(data, paths)).toEqual([
      { value: 'ada@example.com', path: 'contact.email' },
      { value: '+44 1', path: 'attendees[0].phone' },
      { value: '+44 3', path: 'attendees[2].phone' },
      { value: 'a@x.io', path: 'rooms[0].people[0].email' },
      { value: 'b@x.io', path: 'rooms[0].people[1].email' },
      { value: 'vip', path: 'tags[0]' },
      { value: 'early', path: 'tags[1]' },
    ]);
  });

  it('rebuilds the data with the mapped values and leaves the input and every other value untouched', () => {
    const before = structuredClone(data);
    const mapped = mapSensitive(data, paths, (value, path) => `<${path}:${String(value)}>`);
    expect(data).toEqual(before);
    expect(mapped).toEqual({
      ...data,
      contact: { email: '<contact.email:ada@example.com>', phone: null },
      attendees: [
        { phone: '<attendees[0].phone:+44 1>', role: 'host' },
        { role: 'guest' },
        { phone: '<attendees[2].phone:+44 3>', role: 'guest' },
      ],
      rooms: [
        { people: [{ email: '<rooms[0].people[0].email:a@x.io>' }, { email: '<rooms[0].people[1].email:b@x.io>' }] },
        { people: [] },
      ],
      tags: ['<tags[0]:vip>', '<tags[1]:early>'],
    });
  });

  it('leaves mistyped branches alone (an object where an array is declared, a string where an object is)', () => {
    const odd = { attendees: { phone: 'x' }, contact: 'not an object', tags: 'vip' };
    expect(mapSensitive(odd, paths, () => 'changed')).toBe(odd);
  });
});

describe('sealed field values', () => {
  const key = randomBytes(32);
  const at = { tenantId: randomUUID(), eventId: randomUUID(), path: 'contact.email' };

  it('round-trips any JSON value and names the data key version', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 99_999 }), (value, version) => {
        const sealed = sealField(key, version, value, at);
        expect(isSealedField(sealed)).toBe(true);
        expect(sealedVersion(sealed)).toBe(version);
        expect(openField(key, sealed, at)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('never shows the plaintext and differs each time (random IV)', () => {
    const [a, b] = [sealField(key, 1, 'ada@example.com', at), sealField(key, 1, 'ada@example.com', at)];
    expect(a).not.toBe(b);
    expect(a).not.toContain('ada');
    expect(Buffer.from(a.split(':')[3]!, 'base64').toString('latin1')).not.toContain('ada@example.com');
  });

  it('refuses a tampered ciphertext with DECRYPTION_FAILED naming the event and path', () => {
    const sealed = sealField(key, 1, 'ada@example.com', at);
    const bytes = Buffer.from(sealed.split(':')[3]!, 'base64');
    bytes[bytes.length - 1]! ^= 1;
    const tampered = `enc:v1:1:${bytes.toString('base64')}`;
    expect(() => openField(key, tampered, at)).toThrow(DecryptionFailedError);
    try {
      openField(key, tampered, at);
    } catch (error) {
      expect(error).toMatchObject({
        code: 'DECRYPTION_FAILED',
        status: 500,
        details: { eventId: at.eventId, path: 'contact.email' },
      });
    }
  });

  it('refuses a value moved to another tenant, event or field, or opened with another key', () => {
    const sealed = sealField(key, 1, 'ada@example.com', at);
    for (const moved of [
      { ...at, tenantId: randomUUID() },
      { ...at, eventId: randomUUID() },
      { ...at, path: 'contact.phone' },
    ]) {
      expect(() => openField(key, sealed, moved)).toThrow(/authentication failed/);
    }
    expect(() => openField(randomBytes(32), sealed, at)).toThrow(DecryptionFailedError);
    expect(() => openField(key, 'enc:v1:1:AAAA', at)).toThrow(/too short/);
    expect(() => openField(key, 'ada@example.com', at)).toThrow(/not an enc:v1 value/);
  });

  it('recognises only the strict format', () => {
    expect(['enc:v1:0:AAAA', 'enc:v2:1:AAAA', 'enc:v1:1:', 'enc:v1:x:AAAA', 42, null].map(isSealedField)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
