import { createHmac } from 'node:crypto';
import { REST_VARIANT, type AbTest } from './ab-test-schema.ts';

// 48 bits of the digest: an integer a double holds exactly, so the point below is uniform on
// [0, 1) in steps of 2^-48.
const BITS = 2 ** 48;

/**
 * The variant of a recipient: HMAC-SHA256 keyed by the campaign id over the contact id, read as a
 * point on [0, 1). Points below `testShare` split evenly between the variants in plan order, the
 * rest are REST_VARIANT. Deterministic (a re-enrolment or another replica gets the same answer),
 * and a different split in every campaign, so the same people are not always the ones tested.
 */
export function abVariantOf(
  campaignId: string,
  contactId: string,
  test: Pick<AbTest, 'variants' | 'testShare'>,
): string {
  const point = createHmac('sha256', campaignId).update(contactId).digest().readUIntBE(0, 6) / BITS;
  if (point >= test.testShare) return REST_VARIANT;
  const index = Math.min(test.variants.length - 1, Math.floor((point / test.testShare) * test.variants.length));
  return test.variants[index]!.key;
}
