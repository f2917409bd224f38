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
  const dictionaryOf = (key: string): Dictionary => {
    let dictionary = dictionaries.get(key);
    if (dictionary) return dictionary;
    const strings = JSON.parse(key) as string[];
    dictionary = {
      strings,
      wanted: strings.map((value) => filter.types === null || filter.types.has(value)),
      props: new Map(),
    };
    if (dictionaries.size < MAX_DICTIONARIES) dictionaries.set(key, dictionary);
    return dictionary;
  };
  return (text) => {
    const reader = new TextReader(text);
    const b = reader.int();
    const p = reader.int();
    const newline = text.indexOf('\n', reader.at);
    const end = newline < 0 ? text.length : newline;
    const dictionary = dictionaryOf(text.slice(reader.at, end));
    reader.at = end + 1;
    return sortedEvents(readSections(reader, dictionary, filter, b, p));
  };
}

/** An event with the log position that orders it among events of the same time. */
interface Positioned {
  event: JourneyEvent;
  position: number;
}

function readSections(
  reader: TextReader,
  dictionary: Dictionary,
  filter: ElementFilter,
  b: number,
  p: number,
): Positioned[] {
  const kept: Positioned[] = [];
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
      kept.push({ event: { type: name, at, props: propsOf(dictionary, source, campaignId) }, position });
    }
  }
  return kept;
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
function sortedEvents(kept: Positioned[]): JourneyEvent[] {
  let sorted = true;
  for (let i = 1; i < kept.length && sorted; i++) sorted = !later(kept[i - 1], kept[i]);
  if (!sorted) kept.sort((x, y) => x.event.at - y.event.at || x.position - y.position);
  return kept.map((k) => k.event);
}

const later = (x: Positioned | undefined, y: Positioned | undefined) =>
  x !== undefined &&
  y !== undefined &&
  (x.event.at > y.event.at || (x.event.at === y.event.at && x.position > y.position));

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
