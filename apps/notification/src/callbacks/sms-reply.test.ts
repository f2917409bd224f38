import { describe, expect, it } from 'vitest';
import { smsReplyOf } from './sms-reply.ts';

const from = '+14155550123';

describe('smsReplyOf', () => {
  it.each(['STOP', 'stop', ' Stop\n', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'])(
    'reads %j alone as an opt-out',
    (Body) => {
      expect(smsReplyOf({ From: from, Body })).toEqual({ kind: 'opt_out', phone: from });
    },
  );

  it.each(['START', 'start', ' Yes ', 'UNSTOP', 'OPTIN'])('reads %j alone as an opt-in', (Body) => {
    expect(smsReplyOf({ From: from, Body })).toEqual({ kind: 'opt_in', phone: from });
  });

  it.each(['HELP', 'INFO', 'stop please', 'please cancel', 'STOP!', '', 'Thanks'])('ignores %j', (Body) => {
    expect(smsReplyOf({ From: from, Body })).toBeNull();
  });

  it("follows Advanced Opt-Out's OptOutType over the body", () => {
    expect(smsReplyOf({ From: from, Body: 'ARRET', OptOutType: 'STOP' })).toEqual({ kind: 'opt_out', phone: from });
    expect(smsReplyOf({ From: from, Body: 'COMMENCER', OptOutType: 'START' })).toEqual({
      kind: 'opt_in',
      phone: from,
    });
    expect(smsReplyOf({ From: from, Body: 'STOP', OptOutType: 'HELP' })).toBeNull();
  });

  it('needs a sender', () => {
    expect(smsReplyOf({ Body: 'STOP' })).toBeNull();
    expect(smsReplyOf({ From: ' ', Body: 'STOP' })).toBeNull();
  });
});
