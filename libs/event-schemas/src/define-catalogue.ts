import type { z } from 'zod';
import type { EventDefinition } from './define-event.ts';
import type { EventEnvelope } from './envelope.ts';

/** Event definitions keyed by their type. */
export type EventCatalogue = { readonly [type: string]: EventDefinition };

export type CatalogueOf<D extends readonly EventDefinition[]> = {
  readonly [E in D[number] as E['type']]: E;
};

/** The union of every event a catalogue describes, discriminated by `type`. */
export type EventOf<C extends EventCatalogue> = {
  [K in keyof C & string]: EventEnvelope<K, z.output<C[K]['data']>>;
}[keyof C & string];

/** Keys definitions by type; two definitions of one type are a programming error. */
export function defineCatalogue<const D extends readonly EventDefinition[]>(definitions: D): CatalogueOf<D> {
  const catalogue: Record<string, EventDefinition> = {};
  for (const definition of definitions) {
    if (Object.hasOwn(catalogue, definition.type)) {
      throw new Error(`Event type ${definition.type} is defined twice`);
    }
    catalogue[definition.type] = definition;
  }
  return Object.freeze(catalogue) as CatalogueOf<D>;
}

/** The catalogue entry for a runtime type string, if any (own keys only). */
export function findDefinition(catalogue: EventCatalogue, type: string): EventDefinition | undefined {
  return Object.hasOwn(catalogue, type) ? catalogue[type] : undefined;
}
