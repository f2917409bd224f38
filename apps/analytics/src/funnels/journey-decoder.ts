import type { JourneyEvent } from './funnel-engine.ts';

/** Which stored elements a reader keeps. */
export interface ElementFilter {
  /** null: every type. */
  readonly types: ReadonlySet<string> | null;
  readonly fromMs: number;
  readonly toMs: number;
  readonly lastPosition: number;
}

/** What one journey dictionary means to the filter: worked out once per distinct dictionary text. */
interface Dictionary {
  strings: (string | null)[];
  wanted: boolean[];
  props: Map<number, JourneyEvent['props']>;
}

// Subjects of one tenant mostly share a dictionary (the same types, source and campaign), so it is
// parsed once per query and its props objects are shared; a bound keeps a tenant whose every
// subject differs from holding them all.
const MAX_DICTIONARIES = 10_000;

/**
 * Decodes the journey texts of one query (projections/journey-text.ts) into the engine's events,
 * by hand: only the sections of the filter's types are read, with no JSON.parse but the
 * dictionary's, which subjects share.
 */
export function createJourneyDecoder(filter: ElementFilter): (text: string) => JourneyEvent[] {
  const dictionaries = new Map<string, Dictionary>();
  let last = { key: '', dictionary: parseDictionary('[]', filter) };
  // Most subjects read one after another share the last one's dictionary: compared in place,
  // before any slice or hash of it.
  const dictionaryAt = (text: string, from: number, end: number): Dictionary => {
    if (end - from === last.key.length && text.startsWith(last.key, from)) return last.dictionary;
    const key = text.slice(from, end);
    const dictionary = dictionaries.get(key) ?? parseDictionary(key, filter);
    if (dictionaries.size < MAX_DICTIONARIES) dictionaries.set(key, dictionary);
    last = { key, dictionary };
    return dictionary;
  };
  const positions: number[] = [];
  return (text) => {
    const reader = new TextReader(text);
    const b = reader.int();
    const p = reader.int();
    const newline = text.indexOf('\n', reader.at);
    const end = newline < 0 ? text.length : newline;
    const dictionary = dictionaryAt(text, reader.at, end);
    reader.at = end + 1;
    positions.length = 0;
    const events = readSections(reader, dictionary, filter, { b, p, positions });
    return inOrder(events, positions);
  };
}

function parseDictionary(key: string, filter: ElementFilter): Dictionary {
  const strings = JSON.parse(key) as string[];
  return {
    strings,
    wanted: strings.map((value) => filter.types === null || filter.types.has(value)),
    props: new Map(),
  };
}

/** The kept events; `positions` gets each one's log position (same index). */
function readSections(
  reader: TextReader,
  dictionary: Dictionary,
  filter: ElementFilter,
  { b, p, positions }: { b: number; p: number; positions: number[] },
): JourneyEvent[] {
  const events: JourneyEvent[] = [];
  const { text } = reader;
  while (reader.at < text.length) {
    const type = reader.int();
    if (!dictionary.wanted[type]) {
      const next = text.indexOf('\n', reader.at);
      reader.at = next < 0 ? text.length : next + 1;
      continue;
    }
    const name = dictionary.strings[type] ?? '';
    while (reader.at < text.length && text.charCodeAt(reader.at - 1) !== NEWLINE) {
      const at = b + reader.int();
      const position = p + reader.int();
      const source = reader.int();
      const campaignId = reader.int();
      if (at < filter.fromMs || at >= filter.toMs || position > filter.lastPosition) continue;
      events.push({ type: name, at, props: propsOf(dictionary, source, campaignId) });
      positions.push(position);
    }
  }
  return events;
}

function propsOf(dictionary: Dictionary, source: number, campaignId: number): JourneyEvent['props'] {
  const key = (source + 1) * 1_000_003 + campaignId + 1;
  let props = dictionary.props.get(key);
  if (!props) {
    const text = (i: number) => (i < 0 ? null : (dictionary.strings[i] ?? null));
    dictionary.props.set(key, (props = { source: text(source), campaignId: text(campaignId) }));
  }
  return props;
}

/** Events by (time, log position): sections are per type, so types interleave in time. */
function inOrder(events: JourneyEvent[], positions: readonly number[]): JourneyEvent[] {
  let sorted = true;
  for (let i = 1; i < events.length && sorted; i++) {
    const gap = (events[i]?.at ?? 0) - (events[i - 1]?.at ?? 0);
    sorted = gap > 0 || (gap === 0 && (positions[i] ?? 0) > (positions[i - 1] ?? 0));
  }
  if (sorted) return events;
  const order = events.map((_, i) => i);
  order.sort((x, y) => (events[x]?.at ?? 0) - (events[y]?.at ?? 0) || (positions[x] ?? 0) - (positions[y] ?? 0));
  return order.map((i) => events[i] as JourneyEvent);
}

const NEWLINE = 10;
const MINUS = 45;
const ZERO = 48;

/** Decimal integers separated by one character each (space, comma or newline), read in place. */
class TextReader {
  at = 0;
  constructor(readonly text: string) {}

  /** The integer at the cursor; the cursor moves past it and its separator. */
  int(): number {
    const { text } = this;
    let i = this.at;
    const negative = text.charCodeAt(i) === MINUS;
    if (negative) i++;
    let value = 0;
    for (let c = text.charCodeAt(i); c >= ZERO && c <= ZERO + 9; c = text.charCodeAt(++i))
      value = value * 10 + c - ZERO;
    this.at = i + 1;
    return negative ? -value : value;
  }
}
