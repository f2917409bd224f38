import type { FieldIssue } from '@bizosaas/ddd-kernel';
import { eventCatalogue, type DomainEvent } from './catalogue/catalogue.ts';
import { findDefinition, type EventCatalogue, type EventOf } from './define-catalogue.ts';
import type { EventDefinition } from './define-event.ts';
import { envelopeSchema, eventTypePattern } from './envelope.ts';
import { InvalidEventError, toFieldIssues, UnknownEventTypeError } from './errors.ts';
import { upcast } from './upcast.ts';

/**
 * Validates an event read from anywhere (stream, store, HTTP): the envelope, then `data`
 * against the catalogue entry for `type` after upcasting it from `schemaVersion`. The result
 * always carries the current schemaVersion. Unknown keys are dropped (tolerant reader).
 *
 * @throws UnknownEventTypeError when `type` is well formed but not in the catalogue.
 * @throws InvalidEventError listing every envelope and data issue with its path.
 */
export function parseEvent(raw: unknown): DomainEvent;
export function parseEvent<C extends EventCatalogue>(raw: unknown, catalogue: C): EventOf<C>;
export function parseEvent(raw: unknown, catalogue: EventCatalogue = eventCatalogue): unknown {
  const envelope = envelopeSchema.safeParse(raw);
  const issues = envelope.success ? [] : toFieldIssues(envelope.error);
  const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const type = typeof fields.type === 'string' ? fields.type : undefined;
  const definition = type === undefined ? undefined : findDefinition(catalogue, type);
  if (type !== undefined && eventTypePattern.test(type) && definition === undefined) {
    throw new UnknownEventTypeError(type, issues);
  }
  if (definition === undefined || !envelope.success) {
    if (definition !== undefined) issues.push(...dataIssues(definition, fields));
    throw new InvalidEventError(issues, type);
  }
  const data = parseData(definition, envelope.data.schemaVersion, fields.data);
  const aggregateIssues = aggregateTypeIssues(definition, envelope.data.aggregateType);
  if (!data.ok || aggregateIssues.length > 0) {
    throw new InvalidEventError([...aggregateIssues, ...(data.ok ? [] : data.issues)], type);
  }
  return { ...envelope.data, schemaVersion: definition.schemaVersion, data: data.value };
}

type DataResult = { ok: true; value: unknown } | { ok: false; issues: FieldIssue[] };

function parseData(definition: EventDefinition, version: number, raw: unknown): DataResult {
  const lifted = upcast(definition, version, raw);
  if (!lifted.ok) return lifted;
  const parsed = definition.data.safeParse(lifted.data);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: toFieldIssues(parsed.error, 'data') };
}

/** Data issues to report alongside envelope issues, when the version is usable. */
function dataIssues(definition: EventDefinition, fields: Record<string, unknown>): FieldIssue[] {
  const version = fields.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return [];
  const data = parseData(definition, version, fields.data);
  return [...aggregateTypeIssues(definition, fields.aggregateType), ...(data.ok ? [] : data.issues)];
}

function aggregateTypeIssues(definition: EventDefinition, aggregateType: unknown): FieldIssue[] {
  if (typeof aggregateType !== 'string' || aggregateType === definition.aggregateType) return [];
  return [{ path: 'aggregateType', message: `must be "${definition.aggregateType}" for ${definition.type}` }];
}
