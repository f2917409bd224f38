import type { SwaggerOptions } from '@fastify/swagger';
import type { FastifySchema, RouteOptions } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponseSchema } from './error-response.ts';
import { enrichOperation, type RouteAuth } from './openapi-operation.ts';

export interface DocumentOptions {
  name: string;
  version: string;
  description: string | undefined;
  /** Descriptions of the operation tags; a tag without one is described from its name. */
  tags: Record<string, string> | undefined;
  /** How the auth plugin treats a route (undefined: the service verifies no tokens). */
  authOf: ((route: RouteOptions) => RouteAuth) | undefined;
}

const OPS_TAG = 'Liveness, readiness and Prometheus metrics of the process.';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// A registry of our own, so only the schemas named here become components (never a lib's globals).
const components = z.registry<{ id: string }>();
components.add(errorResponseSchema, { id: 'ErrorResponse' });

type OpenApiObject = Record<string, unknown> & { paths?: Record<string, Record<string, { tags?: string[] }>> };

function operationTags(document: OpenApiObject): string[] {
  const tags = new Set<string>();
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of METHODS) for (const tag of item[method]?.tags ?? []) tags.add(tag);
  }
  return [...tags].sort();
}

/** Component schemas no `$ref` points at are left out (Spectral: oas3-unused-component). */
function usedSchemas(document: OpenApiObject, schemas: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify({ ...document, components: { ...(document['components'] as object), schemas: {} } });
  return Object.fromEntries(Object.entries(schemas).filter(([id]) => text.includes(`"#/components/schemas/${id}"`)));
}

/**
 * @fastify/swagger options producing a document generated clients can use: every operation
 * with an operationId, tags (described globally), its security and its error responses, and a
 * relative server so that the document, wherever it is served (the service, or the gateway at
 * /docs/services/<name>/json), sends "Try it out" requests to the origin that served it.
 */
export function documentOptions(options: DocumentOptions): SwaggerOptions {
  const toJsonSchema = createJsonSchemaTransform({ schemaRegistry: components });
  const addComponents = createJsonSchemaTransformObject({ schemaRegistry: components });
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: `${options.name} API`,
        version: options.version,
        description: options.description || `The ${options.name} service of BizOSaaS.`,
        contact: { name: 'BizOSaaS platform team' },
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: (document) => {
      const route = document.route;
      const schema = document.schema as FastifySchema | undefined;
      if (!schema || schema.hide) return toJsonSchema(document);
      const auth = options.authOf?.(route) ?? 'public';
      return toJsonSchema({ ...document, schema: enrichOperation(route, schema, auth) });
    },
    transformObject: (document) => {
      const object = addComponents(document) as OpenApiObject;
      const own = object['components'] as { schemas?: Record<string, unknown> };
      const describe = (tag: string) => options.tags?.[tag] ?? (tag === 'ops' ? OPS_TAG : `Operations on ${tag}.`);
      return {
        ...object,
        servers: [{ url: '/', description: 'The origin that served this document (the gateway or the service)' }],
        tags: operationTags(object).map((name) => ({ name, description: describe(name) })),
        components: { ...own, schemas: usedSchemas(object, own.schemas ?? {}) },
      };
    },
  };
}
