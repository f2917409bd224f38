import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { eventCatalogue, type EventType } from './catalogue/catalogue.ts';
import { createEvent } from './create-event.ts';
import { UnknownEventTypeError } from './errors.ts';
import { eventJsonSchema } from './json-schema.ts';
import { fixedClock, nextTestId, tenantId, userActor } from './test-fixtures.ts';

// ajv arrives with fastify; used here only to prove the exported schemas mean what zod means.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

const types = Object.keys(eventCatalogue) as EventType[];
const exampleEvent = (type: EventType) =>
  JSON.parse(
    JSON.stringify(
      createEvent(
        { type, tenantId, actor: userActor, data: eventCatalogue[type].example },
        { now: fixedClock, newId: nextTestId },
      ),
    ),
  );

describe('eventJsonSchema', () => {
  it.each(types)('%s: accepts its example event and rejects a corrupted one', (type) => {
    const schema = eventJsonSchema(type);
    expect(schema).toMatchObject({ title: type, description: eventCatalogue[type].description });
    const validate = ajv.compile(schema);
    const event = exampleEvent(type);
    expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...event, type: 'lead.other' })).toBe(false);
    expect(validate({ ...event, data: 'nope' })).toBe(false);
    expect(validate({ ...event, tenantId: 'nope' })).toBe(false);
  });

  it('shows sensitive fields and the example', () => {
    const schema = eventJsonSchema('lead.created') as any;
    expect(schema.properties.data.properties.contact.properties.email['x-sensitive']).toBe(true);
    expect(schema.properties.data.examples).toEqual([eventCatalogue['lead.created'].example]);
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'type', 'tenantId', 'data']));
  });

  it('refuses an unknown type', () => {
    expect(() => eventJsonSchema('lead.vanished')).toThrowError(UnknownEventTypeError);
  });
});
