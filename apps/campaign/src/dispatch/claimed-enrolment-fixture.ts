// Test-only: an enrolment as the dispatcher's claim reads it, for tests of what plans a round.
import type { ClaimedEnrolment } from './claim-batch.ts';

/** A customer Jane at her first step, with an address for each channel (override any field). */
export const claimedEnrolment = (fields: Partial<ClaimedEnrolment> = {}): ClaimedEnrolment => ({
  contactId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b',
  enrolmentId: '0192f5a4-2c3d-7e4f-8a50-617283940a1c',
  contactKind: 'customer',
  variant: null,
  stepIndex: 0,
  streamVersion: 1,
  convertedAt: null,
  email: 'jane@example.com',
  phone: '+14155550100',
  firstName: 'Jane',
  lastName: 'Doe',
  timezone: null,
  consent: null,
  matches: true,
  lastSendAt: null,
  lastOpenedAt: null,
  lastClickedAt: null,
  ...fields,
});
