import SwaggerParser from '@apidevtools/swagger-parser';
import { Document, Spectral, type RulesetDefinition } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';

const SEVERITY = ['error', 'warning', 'info', 'hint'];

type OpenApiDocument = Exclude<Parameters<typeof SwaggerParser.validate>[0], string>;
const isOpenApiDocument = (value: object): value is OpenApiDocument => 'openapi' in value || 'swagger' in value;

let spectral: Spectral | undefined;
function linter(): Spectral {
  if (!spectral) {
    spectral = new Spectral();
    // `spectral:oas` as a ruleset file names it: the oas rules marked recommended.
    spectral.setRuleset({ extends: [[oas as RulesetDefinition, 'recommended']] });
  }
  return spectral;
}

/**
 * Why a generated client could not use `document` (an OpenAPI object as served at /docs/json):
 * every result of Spectral's `spectral:oas` ruleset, of any severity, as
 * `severity rule at path: message`, then swagger-parser's validation error if it has one.
 * An empty list means the document passes both.
 */
export async function openApiProblems(document: object): Promise<string[]> {
  const results = await linter().run(new Document(JSON.stringify(document), Json));
  const problems = results.map(
    (result) =>
      `${SEVERITY[result.severity] ?? result.severity} ${String(result.code)} at ${result.path.join('.') || '(root)'}: ${result.message}`,
  );
  const copy = structuredClone(document); // validate() dereferences in place
  if (!isOpenApiDocument(copy)) return [...problems, 'not an OpenAPI document: no openapi field'];
  try {
    await SwaggerParser.validate(copy);
  } catch (error) {
    problems.push(`swagger-parser: ${error instanceof Error ? error.message : String(error)}`);
  }
  return problems;
}
