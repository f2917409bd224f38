import { describe, expect, it } from 'vitest';
import { smsReplyOf } from './sms-reply.ts';

const from = '+14155550123';
const To = '+15005550006';

describe('smsReplyOf', () => {
  it.each(['STOP', 'stop', ' Stop\n', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'])(
    'reads %j alone as an opt-out',
    (Body) => {
      expect(smsReplyOf({ From: from, To, Body }, To)).toEqual({ kind: 'opt_out', phone: from });
    },
  );

  it.each(['START', 'start', ' Yes ', 'UNSTOP', 'OPTIN'])('reads %j alone as an opt-in', (Body) => {
    expect(smsReplyOf({ From: from, To, Body }, To)).toEqual({ kind: 'opt_in', phone: from });
  });

  it.each(['HELP', 'INFO', 'stop please', 'please cancel', 'STOP!', '', 'Thanks'])('ignores %j', (Body) => {
    expect(smsReplyOf({ From: from, To, Body }, To)).toBeNull();
  });

  it("follows Advanced Opt-Out's OptOutType over the body", () => {
    expect(smsReplyOf({ From: from, To, Body: 'ARRET', OptOutType: 'STOP' }, To)).toEqual({
      kind: 'opt_out',
      phone: from,
    });
    expect(smsReplyOf({ From: from, To, Body: 'COMMENCER', OptOutType: 'START' }, To)).toEqual({
      kind: 'opt_in',
      phone: from,
    });
    expect(smsReplyOf({ From: from, To, Body: 'STOP', OptOutType: 'HELP' }, To)).toBeNull();
  });

  it('needs a sender', () => {
    expect(smsReplyOf({ To, Body: 'STOP' }, To)).toBeNull();
    expect(smsReplyOf({ From: ' ', To, Body: 'STOP' }, To)).toBeNull();
  });

  it("counts only a message to the platform's own number", () => {
    expect(smsReplyOf({ From: from, To: ' +15005550006 ', Body: 'STOP' }, To)).toEqual({
      kind: 'opt_out',
      phone: from,
    });
    expect(smsReplyOf({ From: from, To: '+15005550007', Body: 'STOP' }, To)).toBeNull();
    expect(smsReplyOf({ From: from, Body: 'STOP' }, To)).toBeNull();
    expect(smsReplyOf({ From: from, To, Body: 'STOP' }, undefined)).toBeNull();
  });
});
