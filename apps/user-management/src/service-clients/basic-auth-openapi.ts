import type { SwaggerTransform } from '@fastify/swagger';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponseSchema } from '@bizosaas/service-kit';

export const SERVICE_CLIENT_SCHEME = 'serviceClientBasic';

const scheme = {
  type: 'http' as const,
  scheme: 'basic',
  description: 'A platform service: client id and secret from SERVICE_CLIENTS (RFC 6749 §2.3.1).',
};

// The same component id service-kit gives the error schema, so the route's errors are `$ref`s to it.
const registry = z.registry<{ id: string }>();
registry.add(errorResponseSchema, { id: 'ErrorResponse' });
const toJsonSchema = createJsonSchemaTransform({ schemaRegistry: registry });

/**
 * A route's own OpenAPI transform (@fastify/swagger `config.swaggerTransform`) for a route
 * authenticated by HTTP Basic: service-kit's document declares only the bearer scheme, so this
 * adds the Basic one before converting the route's zod schemas. Such a route declares in its
 * schema what service-kit would otherwise derive: operationId, tags, security, every error.
 */
export const withBasicAuthScheme: SwaggerTransform = (input) => {
  const components = 'openapiObject' in input ? input.openapiObject.components : undefined;
  if (components) components.securitySchemes = { ...components.securitySchemes, [SERVICE_CLIENT_SCHEME]: scheme };
  return toJsonSchema(input);
};

/** An error response with its description, as service-kit documents the derived ones. */
export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorResponseSchema } },
});
