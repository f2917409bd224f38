/**
 * A journey as the journeys table stores it: compact text, not jsonb, grouped by event type so a
 * reader decodes only the types it asks for and skips the other sections without looking at them.
 *
 *   text    := b " " p " " dictionary ( "\n" section )*
 *   section := type ( " " time "," position "," source "," campaignId )*
 *
 * `dictionary` is a JSON array holding each string once (types, sources, campaign ids: JSON escapes
 * every newline, so the first "\n" ends it); `type`, `source` and `campaignId` are indexes into it
 * (-1: null); `time` and `position` are decimal differences from the first element's (`b`, `p`:
 * epoch milliseconds and global log position). A section holds one type's elements in log order;
 * sections come in the order their type first appeared. Appending keeps every string's index and
 * every section's place, so the text is the same however the events were split into batches.
 */
export interface JourneyText {
  b: number;
  p: number;
  d: string[];
  /** Per section: its type's index, then four numbers per element. */
  sections: number[][];
}

/** One event of a subject's journey. */
export interface JourneyElement {
  type: string;
  /** Epoch milliseconds. */
  at: number;
  /** Its global position in the analytics log. */
  position: number;
  source: string | null;
  campaignId: string | null;
}

/** Reads a stored journey back into its parts (the projection's appends; the funnel reader has its own). */
export function parseJourney(stored: string): JourneyText {
  const [head = '', ...lines] = stored.split('\n');
  const [b = '0', p = '0'] = head.split(' ', 2);
  const dictionary = head.slice(b.length + p.length + 2);
  return {
    b: Number(b),
    p: Number(p),
    d: JSON.parse(dictionary) as string[],
    sections: lines.map((line) => line.split(/[ ,]/).map(Number)),
  };
}

/** The stored form of a journey's parts. */
export function formatJourney(journey: JourneyText): string {
  const sections = journey.sections.map((section) => {
    let line = String(section[0]);
    for (let i = 1; i < section.length; i += 4) line += ` ${section.slice(i, i + 4).join(',')}`;
    return `\n${line}`;
  });
  return `${journey.b} ${journey.p} ${JSON.stringify(journey.d)}${sections.join('')}`;
}

/** Appends elements (in log order) to a stored journey (null: a new one) and returns its new text. */
export function appendToJourney(stored: string | null, elements: readonly JourneyElement[]): string {
  const first = elements[0];
  const journey: JourneyText = stored
    ? parseJourney(stored)
    : { b: first?.at ?? 0, p: first?.position ?? 0, d: [], sections: [] };
  const index = new Map(journey.d.map((value, i) => [value, i]));
  const code = (value: string | null): number => {
    if (value === null) return -1;
    const known = index.get(value);
    if (known !== undefined) return known;
    index.set(value, journey.d.length);
    return journey.d.push(value) - 1;
  };
  const sections = new Map(journey.sections.map((section) => [section[0], section]));
  for (const element of elements) {
    const type = code(element.type);
    let section = sections.get(type);
    if (!section) journey.sections.push((section = [type]));
    sections.set(type, section);
    section.push(element.at - journey.b, element.position - journey.p, code(element.source), code(element.campaignId));
  }
  return formatJourney(journey);
}
