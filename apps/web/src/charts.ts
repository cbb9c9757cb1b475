/** Small SVG bar charts with a text alternative (a table beside each chart). */
import { h, s } from './dom';

export interface Bar {
  label: string;
  value: number;
}

/** Vertical bars, labelled below; `format` prints values. */
export function barChart(title: string, bars: readonly Bar[], format: (n: number) => string = String): HTMLElement {
  const width = 600;
  const height = 220;
  const bottom = 40;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = width / Math.max(1, bars.length);
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title, class: 'chart' },
    s('line', { x1: 0, y1: height - bottom, x2: width, y2: height - bottom, stroke: '#5b6470' }),
    bars.map((b, i) => {
      const barHeight = ((height - bottom - 20) * b.value) / max;
      const x = i * slot + slot * 0.15;
      return s(
        'g',
        {},
        s('rect', { x: x.toFixed(1), y: (height - bottom - barHeight).toFixed(1), width: (slot * 0.7).toFixed(1), height: barHeight.toFixed(1), fill: '#1d4ed8' }, s('title', {}, `${b.label}: ${format(b.value)}`)),
        s('text', { x: (x + slot * 0.35).toFixed(1), y: (height - bottom - barHeight - 4).toFixed(1), 'text-anchor': 'middle', class: 'chart-value' }, format(b.value)),
        s('text', { x: (x + slot * 0.35).toFixed(1), y: height - bottom + 16, 'text-anchor': 'middle', class: 'chart-label' }, b.label.length > 10 ? `${b.label.slice(0, 9)}…` : b.label),
      );
    }),
  );
  return h('figure', { class: 'card' }, h('figcaption', {}, h('h2', {}, title)), svg as unknown as Node);
}

/** Counts of values per bucket of width `step`, for a distribution. */
export function histogram(values: readonly number[], step: number): Bar[] {
  if (values.length === 0) return [];
  const buckets = new Map<number, number>();
  for (const v of values) buckets.set(Math.floor(v / step), (buckets.get(Math.floor(v / step)) ?? 0) + 1);
  const keys = [...buckets.keys()].sort((a, b) => a - b);
  const out: Bar[] = [];
  for (let k = keys[0]; k <= keys[keys.length - 1]; k++) out.push({ label: `${k * step}–${(k + 1) * step}`, value: buckets.get(k) ?? 0 });
  return out;
}
