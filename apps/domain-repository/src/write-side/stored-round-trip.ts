import { parseEvent } from '@bizosaas/event-schemas';
import { snapshotCodecOf, type AggregateStream, type DecidedEvent } from './aggregate-stream.ts';
import { envelopeOf } from './decide-on-stream.ts';

/** Envelope metadata of the round trips; only `now` matters to the data, the rest fills the envelope. */
const tenantId = '0192f5a3-9d2e-7c4b-8a11-0000000000f1';
const actor = { type: 'user', id: '0192f5a3-9d2e-7c4b-8a11-0000000000f2' } as const;

/**
 * Test support: decided events as a later load reads them. Each is wrapped into the envelope the
 * write path appends (version after version), sent through JSON (the store keeps jsonb) and
 * parsed back by its schema with upcasting, as the store's reads do. Returns them as decide's
 * `{type, data}`, so a test can compare them with what decide emitted and fold them.
 */
export function readBack<E extends DecidedEvent>(events: readonly E[], now: Date, aggregateId: string): E[] {
  return events.map((event, index) => {
    const stored: unknown = JSON.parse(
      JSON.stringify(envelopeOf(event, aggregateId, index + 1, { now, tenantId, actor })),
    );
    const { type, data } = parseEvent(stored);
    return { type, data } as E;
  });
}

/** Test support: a state saved as the write path snapshots it (the codec, then jsonb) and loaded back. */
export function snapshotRoundTrip<S, E extends DecidedEvent>(aggregate: AggregateStream<S, E>, state: S): S {
  const codec = snapshotCodecOf(aggregate);
  return codec.deserialize(JSON.parse(JSON.stringify(codec.serialize(state))));
}

/**
 * Test support: envelopes of one stream as the write path appends them (versions 1, 2, ...),
 * each dated `at`; for feeding projections events exactly as they are stored.
 */
export function streamOf(aggregateId: string, streamTenantId: string) {
  let version = 0;
  return (event: DecidedEvent, at: string) => {
    version += 1;
    return envelopeOf(event, aggregateId, version, { now: new Date(at), tenantId: streamTenantId, actor });
  };
}
