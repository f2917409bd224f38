import { describe, expect, it } from 'vitest';
import { niceTicks, renderLineChartSvg } from './chart-svg.ts';

const hours = (count: number) =>
  Array.from({ length: count }, (_, i) => `2026-11-01T${String(i).padStart(2, '0')}:00:00-05:00`);
const seriesOf = (name: string, labels: string[], value: (i: number) => number) => ({
  name,
  points: labels.map((label, i) => ({ label, value: value(i) })),
});
const polylines = (svg: string) => [...svg.matchAll(/<polyline [^>]*stroke="([^"]+)"[^>]* points="([^"]*)"/g)];
const texts = (svg: string) => [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('niceTicks', () => {
  it.each([
    [
      [0, 7],
      [0, 2, 4, 6, 8],
    ],
    [[10], [0, 2, 4, 6, 8, 10]],
    [[5.1], [0, 2, 4, 6]],
    [[0.3], [0, 0.1, 0.2, 0.3]],
    [[1234], [0, 250, 500, 750, 1000, 1250]],
    [
      [0, 0],
      [0, 0.2, 0.4, 0.6, 0.8, 1],
    ],
    [
      [-30, 45],
      [-40, -20, 0, 20, 40, 60],
    ],
  ])('ticks for %j are %j', (values, ticks) => {
    expect(niceTicks(values)).toEqual(ticks);
  });

  it('gives 4 to 6 ticks from 0, a step of 1, 2, 2.5 or 5 times a power of ten, past the largest value', () => {
    for (let max = 0.013; max < 1e7; max *= 1.37) {
      const ticks = niceTicks([max]);
      const step = (ticks[1] ?? 0) - (ticks[0] ?? 0);
      const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
      expect(ticks[0]).toBe(0);
      expect(ticks.length).toBeGreaterThanOrEqual(4);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect([1, 2, 2.5, 5]).toContain(mantissa);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
    }
  });
});

describe('renderLineChartSvg', () => {
  it('escapes & < > " \' in the title, series names and labels', () => {
    const nasty = `A & B <script>"x" 'y'`;
    const svg = renderLineChartSvg({ title: nasty, series: [{ name: nasty, points: [{ label: nasty, value: 1 }] }] });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
    expect(texts(svg)).toContain('A &amp; B &lt;script&gt;&quot;x&quot; &#39;y&#39;');
    expect(svg).toContain('aria-label="A &amp; B &lt;script&gt;&quot;x&quot; &#39;y&#39;"');
  });

  it('draws one polyline per series, in distinct colours, through every point, with a legend', () => {
    const labels = hours(25);
    const svg = renderLineChartSvg({
      title: 'Leads',
      series: [seriesOf('Leads', labels, (i) => i), seriesOf('Won', labels.slice(0, 10), (i) => 2 * i)],
    });
    const lines = polylines(svg);
    expect(lines.map((m) => m[2]?.split(' ').length)).toEqual([25, 10]);
    expect(new Set(lines.map((m) => m[1])).size).toBe(2);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Leads', 'Won']));
  });

  it('places points by value: the largest is highest, zero sits on the 0 tick', () => {
    const svg = renderLineChartSvg({ title: 't', series: [seriesOf('s', hours(3), (i) => [0, 10, 5][i] ?? 0)] });
    const ys = (polylines(svg)[0]?.[2] ?? '').split(' ').map((point) => Number(point.split(',')[1]));
    const zeroLine = /<line [^>]*y1="([\d.]+)"[^>]*stroke="#888888"\/>/.exec(svg)?.[1];
    expect(ys[0]).toBe(Number(zeroLine));
    expect(Math.min(...ys)).toBe(ys[1]);
  });

  it('shows at most 12 x labels however many buckets there are, the first one included', () => {
    const labels = hours(24).concat(hours(24).map((label) => label.replace('11-01', '11-02')));
    const svg = renderLineChartSvg({ title: 't', series: [seriesOf('s', labels, (i) => i)] });
    const shown = texts(svg).filter((text) => text?.startsWith('2026-'));
    expect(shown.length).toBeLessThanOrEqual(12);
    expect(shown.length).toBeGreaterThanOrEqual(8);
    expect(shown[0]).toBe(labels[0]);
  });

  it('says "No data" when there is no series or no point', () => {
    for (const series of [[], [{ name: 'empty', points: [] }]]) {
      const svg = renderLineChartSvg({ title: 'Revenue', series });
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(texts(svg)).toEqual(['Revenue', 'No data']);
      expect(polylines(svg)).toHaveLength(0);
    }
  });
});
