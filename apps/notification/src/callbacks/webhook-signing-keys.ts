import { z } from 'zod';

/**
 * EMAIL_WEBHOOK_SIGNING_KEYS: `provider=key` pairs, comma-separated (`mailgun=key-3ax6...`): the
 * key each email provider signs its webhooks with. A provider without a key has no webhook route.
 */
export const emailWebhookSigningKeys = z
  .string()
  .default('')
  .transform((text, context) => {
    const keys = new Map<string, string>();
    for (const part of text.split(',').map((item) => item.trim())) {
      if (part === '') continue;
      const at = part.indexOf('=');
      const [name, key] = at > 0 ? [part.slice(0, at).trim(), part.slice(at + 1).trim()] : ['', ''];
      if (!/^[\w.-]{1,50}$/.test(name) || key === '') {
        context.addIssue({
          code: 'custom',
          message: 'each entry must be provider=key (provider: letters, digits, _ . -)',
        });
        continue;
      }
      if (keys.has(name)) context.addIssue({ code: 'custom', message: `${name} has two keys` });
      keys.set(name, key);
    }
    return keys;
  });
