import { describe, expect, it } from 'vitest';
import {
  consumedStreams,
  deadLetterStreamKey,
  eventStreamKey,
  groupStreamKey,
  highPriorityStreamKey,
} from './stream-names.ts';

/** Redis Cluster's key -> hash tag rule: the first {...} with something inside, else the key. */
const hashTag = (key: string) => {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
};

describe('stream names', () => {
  it('puts the aggregate type in a hash tag', () => {
    expect(eventStreamKey('lead')).toBe('bizosaas:events:{lead}');
    expect(eventStreamKey('ai_analysis', 'test:x:events')).toBe('test:x:events:{ai_analysis}');
  });

  it('keeps a stream and its dead-letter stream in one cluster slot', () => {
    const stream = eventStreamKey('campaign');
    expect(deadLetterStreamKey(stream)).toBe('bizosaas:events:{campaign}:dlq');
    expect(hashTag(deadLetterStreamKey(stream))).toBe(hashTag(stream));
    expect(hashTag(stream)).not.toBe(hashTag(eventStreamKey('lead')));
  });

  it("keeps the high-priority and per-group companions in the stream's slot, read high first", () => {
    const stream = eventStreamKey('lead');
    expect(highPriorityStreamKey(stream)).toBe('bizosaas:events:{lead}:high');
    expect(groupStreamKey(stream, 'analytics')).toBe('bizosaas:events:{lead}:group:analytics');
    expect(consumedStreams(stream, 'analytics')).toEqual([
      highPriorityStreamKey(stream),
      groupStreamKey(stream, 'analytics'),
      stream,
    ]);
    for (const key of consumedStreams(stream, 'a{b}')) expect(hashTag(key)).toBe('lead');
  });

  it('refuses aggregate types that could break the tag', () => {
    expect(() => eventStreamKey('lead}')).toThrowError(/snake_case/);
    expect(() => eventStreamKey('')).toThrowError(/snake_case/);
  });
});
