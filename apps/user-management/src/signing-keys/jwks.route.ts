import { z } from 'zod';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { KeyRing } from './key-ring.ts';

const jwk = z.object({
  kty: z.string(),
  crv: z.string(),
  x: z.string(),
  kid: z.string(),
  alg: z.string(),
  use: z.string(),
});

/** The public keys every verifier uses; retired keys stay until the last token they signed has expired. */
export function jwksRoute(app: ServiceApp, ring: KeyRing): void {
  app.get(
    '/.well-known/jwks.json',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['keys'],
        summary: 'JSON Web Key Set of the token-signing keys',
        response: { 200: z.object({ keys: z.array(jwk) }) },
      },
    },
    async (_request, reply) => {
      // Short caching: a rotated-in key is published a lead time before it signs.
      void reply.header('cache-control', 'public, max-age=60');
      return (await ring.jwks()) as { keys: z.infer<typeof jwk>[] };
    },
  );
}
