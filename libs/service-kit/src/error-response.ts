import { z } from 'zod';

/** The one error body of DESIGN.md, for route response schemas and the OpenAPI page. */
export const errorResponseSchema = z.object({
  error: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export type ErrorResponse = z.infer<typeof errorResponseSchema>;
