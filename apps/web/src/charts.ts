/**
 * Small SVG charts drawn in the page (no chart library, no CDN), each in a figure with its
 * figures as a table too: the table is the text alternative for screen readers and for anyone
 * who wants the exact numbers.
 */
import { h, s } from './dom';
import type { Bar, Series } from './fairness/fairness-figures';

const WIDTH = 600;
const HEIGHT = 220;
const BOTTOM = 40;
const TOP = 20;
const AXIS = '#5b6470';
/** Series colours, each above 3:1 contrast on white (WCAG 1.4.11, graphics), told apart by marker shape too. */
const COLOURS = ['#1d4ed8', '#b45309', '#047857'];

function figure(title: string, id: string | undefined, svg: SVGElement, head: string[], rows: (string | number)[][]): HTMLElement {
  return h(
    'figure',
    { class: 'card', id },
    h('figcaption', {}, h('h2', {}, title)),
    svg as unknown as Node,
    h(
      'details',
      {},
      h('summary', {}, 'The figures as a table'),
      h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, rows.map(([first, ...rest]) => h('tr', {}, h('th', { scope: 'row' }, first), rest.map((c) => h('td', {}, c))))))),
    ),
  );
}

const short = (label: string) => (label.length > 10 ? `${label.slice(0, 9)}…` : label);

/** Vertical bars, labelled below; `format` prints values. */
export function barChart(title: string, bars: readonly Bar[], options: { format?: (n: number) => string; id?: string; columns?: [string, string] } = {}): HTMLElement {
  const format = options.format ?? String;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = WIDTH / Math.max(1, bars.length);
  const svg = s(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': title, class: 'chart' },
    s('line', { x1: 0, y1: HEIGHT - BOTTOM, x2: WIDTH, y2: HEIGHT - BOTTOM, stroke: AXIS }),
    bars.map((b, i) => {
      const barHeight = ((HEIGHT - BOTTOM - TOP) * b.value) / max;
      const x = i * slot + slot * 0.15;
      const centre = (x + slot * 0.35).toFixed(1);
      return s(
        'g',
        { class: 'bar' },
        s('rect', { x: x.toFixed(1), y: (HEIGHT - BOTTOM - barHeight).toFixed(1), width: (slot * 0.7).toFixed(1), height: barHeight.toFixed(1), fill: COLOURS[0] }, s('title', {}, `${b.label}: ${format(b.value)}`)),
        s('text', { x: centre, y: (HEIGHT - BOTTOM - barHeight - 4).toFixed(1), 'text-anchor': 'middle', class: 'chart-value' }, format(b.value)),
        s('text', { x: centre, y: HEIGHT - BOTTOM + 16, 'text-anchor': 'middle', class: 'chart-label' }, short(b.label)),
      );
    }),
  );
  return figure(title, options.id, svg, options.columns ?? ['', 'Value'], bars.map((b) => [b.label, format(b.value)]));
}

/** Lines over periods (x) with values in [0, 1] (y), one per series; null values leave a gap. */
export function lineChart(title: string, periods: readonly string[], series: readonly Series[], options: { format?: (n: number) => string; id?: string } = {}): HTMLElement {
  const format = options.format ?? ((n: number) => n.toFixed(2));
  const left = 36;
  // Room at the right for the last period's label, centred on its point.
  const step = (WIDTH - left - 50) / Math.max(1, periods.length - 1);
  const x = (i: number) => left + 10 + i * step;
  const y = (v: number) => HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * Math.min(1, Math.max(0, v));
  const grid = [0, 0.5, 1].map((v) =>
    s('g', {}, s('line', { x1: left, y1: y(v), x2: WIDTH, y2: y(v), stroke: v === 0 ? AXIS : '#d1d5db' }), s('text', { x: left - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'chart-label' }, v.toFixed(1))),
  );
  const lines = series.map((line, k) => {
    const colour = COLOURS[k % COLOURS.length];
    // Break the line where a period has no value, rather than drawing across it.
    const runs: string[] = [];
    let run: string[] = [];
    line.values.forEach((v, i) => {
      if (v === null) {
        if (run.length) runs.push(run.join(' '));
        run = [];
      } else run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    });
    if (run.length) runs.push(run.join(' '));
    return s(
      'g',
      { class: 'series', 'data-series': line.name },
      runs.map((points) => s('polyline', { points, fill: 'none', stroke: colour, 'stroke-width': 2.5 })),
      line.values.map((v, i) => (v === null ? null : marker(k, x(i), y(v), colour, `${line.name}, ${periods[i]}: ${format(v)}`))),
    );
  });
  const svg = s(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': title, class: 'chart' },
    grid,
    periods.map((p, i) => s('text', { x: x(i), y: HEIGHT - BOTTOM + 16, 'text-anchor': 'middle', class: 'chart-label' }, p)),
    lines,
  );
  const legend = h(
    'ul',
    { class: 'legend', 'aria-hidden': 'true' },
    series.map((line, k) => h('li', {}, h('span', { class: 'swatch', style: `background:${COLOURS[k % COLOURS.length]}` }), line.name)),
  );
  const table = figure(title, options.id, svg, ['Period', ...series.map((l) => l.name)], periods.map((p, i) => [p, ...series.map((l) => (l.values[i] === null ? '–' : format(l.values[i]!)))]));
  table.insertBefore(legend, table.querySelector('details'));
  return table;
}

/** A circle, square or diamond per series, so colour is not the only difference. */
function marker(k: number, cx: number, cy: number, fill: string, label: string): SVGElement {
  const title = s('title', {}, label);
  if (k % 3 === 0) return s('circle', { cx, cy, r: 5, fill }, title);
  if (k % 3 === 1) return s('rect', { x: cx - 5, y: cy - 5, width: 10, height: 10, fill }, title);
  return s('polygon', { points: `${cx},${cy - 6} ${cx + 6},${cy} ${cx},${cy + 6} ${cx - 6},${cy}`, fill }, title);
}
