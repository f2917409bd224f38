import { describe, expect, it } from 'vitest';
import { twilioSignature, verifyTwilioSignature } from './twilio-signature.ts';

// The example of Twilio's request-validation documentation.
const authToken = '12345';
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const params = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const documented = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

describe('Twilio request signatures', () => {
  it('computes the signature of the documented example, whatever the order of the parameters', () => {
    expect(twilioSignature(authToken, url, params)).toBe(documented);
    const reversed = Object.fromEntries(Object.entries(params).reverse());
    expect(twilioSignature(authToken, url, reversed)).toBe(documented);
  });

  it('accepts the documented request', () => {
    expect(verifyTwilioSignature({ authToken, url, params, signature: documented })).toBe(true);
  });

  it('refuses a tampered parameter, URL, token or signature, and a missing one', () => {
    expect(verifyTwilioSignature({ authToken, url, params: { ...params, Digits: '9' }, signature: documented })).toBe(
      false,
    );
    expect(verifyTwilioSignature({ authToken, url, params: { ...params, Extra: '' }, signature: documented })).toBe(
      false,
    );
    expect(verifyTwilioSignature({ authToken, url: `${url}&baz=3`, params, signature: documented })).toBe(false);
    expect(verifyTwilioSignature({ authToken: '54321', url, params, signature: documented })).toBe(false);
    expect(verifyTwilioSignature({ authToken, url, params, signature: documented.replace('R', 'S') })).toBe(false);
    expect(verifyTwilioSignature({ authToken, url, params, signature: documented.slice(1) })).toBe(false);
    expect(verifyTwilioSignature({ authToken, url, params, signature: undefined })).toBe(false);
  });
});
