export interface LineChartInput {
  title: string;
  series: { name: string; points: { label: string; value: number }[] }[];
  width?: number;
  height?: number;
}

interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

// Okabe-Ito colours, told apart also by readers with colour blindness; past eight, lines dash.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999'];
const MAX_X_LABELS = 12;
const MAX_MARKED_POINTS = 40;
const MAX_LABEL_CHARS = 32;
// x labels are slanted 45 degrees at 10 px, about 5.6 px a character.
const slantedExtent = (chars: number) => Math.min(chars, MAX_LABEL_CHARS) * 5.6 * Math.SQRT1_2;
const FONT = 'font-family="system-ui, sans-serif"';
const STEP_FACTORS = [1, 2, 2.5, 5];
const tickFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Ticks from 0 (or below, for negative values) past the largest value, 4 to 6 of them, a step of
 * 1, 2, 2.5 or 5 times a power of ten. The smallest such step giving at most 5 intervals gives at
 * least 3, because the next step is at most twice as large.
 */
export function niceTicks(values: number[]): number[] {
  // reduce, not Math.min(...values): a spread of many thousand values can overflow the stack.
  const low = values.reduce((min, value) => Math.min(min, value), 0);
  const high = values.reduce((max, value) => Math.max(max, value), 0);
  const span = high > low ? high - low : 1;
  const top = high > low ? high : low + 1;
  let magnitude = 10 ** Math.floor(Math.log10(span / 5));
  for (;;) {
    for (const factor of STEP_FACTORS) {
      const step = factor * magnitude;
      const first = Math.floor(low / step);
      const intervals = Math.ceil(top / step) - first;
      // toPrecision removes float noise such as 0.30000000000000004.
      if (intervals <= 5)
        return Array.from({ length: intervals + 1 }, (_, i) => Number(((first + i) * step).toPrecision(12)));
    }
    magnitude *= 10;
  }
}

/** A plain SVG line chart: title, y ticks, at most 12 x labels, one coloured line per series, a legend. */
export function renderLineChartSvg(input: LineChartInput): string {
  const width = Math.max(320, Math.round(input.width ?? 800));
  const height = Math.max(200, Math.round(input.height ?? 400));
  const series = input.series.map((s) => ({ ...s, points: s.points.filter((p) => Number.isFinite(p.value)) }));
  const labels = [...new Set(series.flatMap((s) => s.points.map((p) => p.label)))];
  const title = escapeXml(input.title);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600" ${FONT}>${title}</text>`,
    ...(labels.length === 0
      ? [
          `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="14" fill="#666666" ${FONT}>No data</text>`,
        ]
      : plot(series, labels, width, height)),
  ];
  return `${parts.join('\n')}\n</svg>\n`;
}

function plot(series: LineChartInput['series'], labels: string[], width: number, height: number): string[] {
  const legend = legendLayout(
    series.map((s) => s.name),
    width - 32,
  );
  const extent = slantedExtent(labels.reduce((longest, label) => Math.max(longest, label.length), 0));
  const left = Math.max(64, Math.ceil(extent) + 8);
  const frame = {
    left,
    top: 44,
    width: width - left - 24,
    height: Math.max(40, height - 44 - extent - 24 - legend.height),
  };
  const ticks = niceTicks(series.flatMap((s) => s.points.map((p) => p.value)));
  const x = (index: number) =>
    frame.left + (labels.length === 1 ? frame.width / 2 : (index * frame.width) / (labels.length - 1));
  const y = scale(ticks, frame);
  const indexOf = new Map(labels.map((label, i) => [label, i]));
  return [
    ...yAxis(ticks, frame, y),
    ...xAxis(labels, frame, x),
    ...series.map((s, i) => {
      const points = s.points.map((p) => `${round(x(indexOf.get(p.label) ?? 0))},${round(y(p.value))}`);
      return line(points, i, labels.length <= MAX_MARKED_POINTS);
    }),
    ...legend.items.map(({ name, dx, row }, i) => legendItem(name, i, 16 + dx, height - legend.height + row * 20)),
  ];
}

function scale(ticks: number[], frame: Frame): (value: number) => number {
  const low = ticks[0] ?? 0;
  const high = ticks[ticks.length - 1] ?? 1;
  return (value) => frame.top + frame.height - ((value - low) / (high - low)) * frame.height;
}

function yAxis(ticks: number[], frame: Frame, y: (value: number) => number): string[] {
  const right = frame.left + frame.width;
  return ticks.flatMap((tick) => [
    `<line x1="${frame.left}" y1="${round(y(tick))}" x2="${right}" y2="${round(y(tick))}" stroke="${tick === 0 ? '#888888' : '#e5e5e5'}"/>`,
    `<text x="${frame.left - 8}" y="${round(y(tick) + 4)}" text-anchor="end" font-size="11" fill="#444444" ${FONT}>${escapeXml(tickFormat.format(tick))}</text>`,
  ]);
}

// Every k-th label, k chosen so that at most 12 show; slanted, as bucket labels are long.
function xAxis(labels: string[], frame: Frame, x: (index: number) => number): string[] {
  const every = Math.ceil(labels.length / MAX_X_LABELS);
  const baseline = round(frame.top + frame.height);
  return labels.flatMap((label, i) => {
    if (i % every !== 0) return [];
    const at = round(x(i));
    const text = label.length > MAX_LABEL_CHARS ? `${label.slice(0, MAX_LABEL_CHARS - 1)}…` : label;
    return [
      `<line x1="${at}" y1="${baseline}" x2="${at}" y2="${baseline + 4}" stroke="#888888"/>`,
      `<text transform="translate(${at},${baseline + 14}) rotate(-45)" text-anchor="end" font-size="10" fill="#444444" ${FONT}>${escapeXml(text)}</text>`,
    ];
  });
}

function line(points: string[], index: number, marked: boolean): string {
  const colour = COLOURS[index % COLOURS.length] ?? '#000000';
  const dash = index >= COLOURS.length ? ' stroke-dasharray="6 3"' : '';
  const markers = marked
    ? points.map((point) => {
        const [cx, cy] = point.split(',');
        return `<circle cx="${cx}" cy="${cy}" r="2.5" fill="${colour}"/>`;
      })
    : [];
  return [
    `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points.join(' ')}"/>`,
    ...markers,
  ].join('\n');
}

// Legend entries flow left to right and wrap; a name is about 7 px a character at 12 px.
function legendLayout(names: string[], width: number) {
  const items: { name: string; dx: number; row: number }[] = [];
  let dx = 0;
  let row = 0;
  for (const name of names) {
    const itemWidth = 28 + name.length * 7;
    if (dx > 0 && dx + itemWidth > width) [dx, row] = [0, row + 1];
    items.push({ name, dx, row });
    dx += itemWidth;
  }
  return { items, height: (row + 1) * 20 + 8 };
}

function legendItem(name: string, index: number, left: number, top: number): string {
  const colour = COLOURS[index % COLOURS.length] ?? '#000000';
  return [
    `<rect x="${left}" y="${top}" width="16" height="4" fill="${colour}"/>`,
    `<text x="${left + 22}" y="${top + 6}" font-size="12" fill="#222222" ${FONT}>${escapeXml(name)}</text>`,
  ].join('\n');
}

const round = (value: number) => Math.round(value * 10) / 10;
