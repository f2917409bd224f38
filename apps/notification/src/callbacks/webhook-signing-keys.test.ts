import { describe, expect, it } from 'vitest';
import { emailWebhookSigningKeys } from './webhook-signing-keys.ts';

describe('EMAIL_WEBHOOK_SIGNING_KEYS', () => {
  it('reads provider=key pairs; keys may contain =', () => {
    const keys = emailWebhookSigningKeys.parse(' mailgun=key-abc , mailgun-eu=a=b=,');
    expect([...keys]).toEqual([
      ['mailgun', 'key-abc'],
      ['mailgun-eu', 'a=b='],
    ]);
  });

  it('is empty when unset', () => {
    expect(emailWebhookSigningKeys.parse(undefined).size).toBe(0);
  });

  it('refuses an entry without a name or a key, and a provider named twice, without echoing keys', () => {
    for (const text of ['S3CRET', '=S3CRET', 'mailgun=', 'bad name=S3CRET', 'a=S3CRET,a=S3CRET2']) {
      const parsed = emailWebhookSigningKeys.safeParse(text);
      expect(parsed.success, text).toBe(false);
      expect(JSON.stringify(parsed.error?.issues)).not.toContain('S3CRET');
    }
  });
});
