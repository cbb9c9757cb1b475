/**
 * H3 cells drawn as SVG hexagons, with no map tiles (offices may be offline): an
 * equirectangular projection scaled by cos(latitude), fitted to the cells on show.
 */
import { cellToBoundary, gridDisk } from 'h3-js';
import { s } from '../dom';

/** What one cell shows. */
export interface CellFigures {
  cell: string;
  freeDrivers: number;
  busyDrivers: number;
  openRequests: number;
}

const SIZE = 600;
const PAD = 12;

/** The service area: the cells with activity and their neighbours (a ring of context). */
export function serviceArea(active: Iterable<string>): string[] {
  const area = new Set<string>();
  for (const cell of active) for (const near of gridDisk(cell, 1)) area.add(near);
  return [...area].sort();
}

/**
 * Fill colour: green by free drivers, amber where requests outnumber free drivers. Every fill
 * keeps the dark labels above 4.5:1 contrast (WCAG AA), so the shades stay light.
 */
export function fillOf(f: CellFigures | undefined): string {
  if (!f || (f.freeDrivers === 0 && f.openRequests === 0)) return '#f2f4f5';
  if (f.openRequests > f.freeDrivers) return f.openRequests - f.freeDrivers > 1 ? '#fb923c' : '#fed7aa';
  return f.freeDrivers >= 3 ? '#22c55e' : f.freeDrivers === 2 ? '#86efac' : '#dcfce7';
}

export function describe(cell: string, f: CellFigures | undefined): string {
  const free = f?.freeDrivers ?? 0;
  const open = f?.openRequests ?? 0;
  return `Cell ${cell}: ${free} free driver${free === 1 ? '' : 's'}, ${f?.busyDrivers ?? 0} busy, ${open} open request${open === 1 ? '' : 's'}`;
}

/** Draws `area` with the figures of `cells`; returns the SVG element. */
export function hexMap(area: readonly string[], cells: ReadonlyMap<string, CellFigures>): SVGElement {
  const rings = area.map((cell) => ({ cell, points: cellToBoundary(cell) }));
  const all = rings.flatMap((r) => r.points);
  const lat0 = all.reduce((sum, [lat]) => sum + lat, 0) / Math.max(1, all.length);
  const k = Math.cos((lat0 * Math.PI) / 180);
  const xs = all.map(([, lng]) => lng * k);
  const ys = all.map(([lat]) => -lat);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = (SIZE - 2 * PAD) / Math.max(maxX - minX, maxY - minY, 1e-9);
  const project = ([lat, lng]: number[]) => [PAD + (lng * k - minX) * scale, PAD + (-lat - minY) * scale];

  const svg = s('svg', { viewBox: `0 0 ${SIZE} ${SIZE}`, role: 'img', 'aria-labelledby': 'map-title', class: 'hexmap' }, s('title', { id: 'map-title' }, 'Drivers and requests per area'));
  for (const { cell, points } of rings) {
    const f = cells.get(cell);
    const xy = points.map(project);
    const cx = xy.reduce((n, p) => n + p[0], 0) / xy.length;
    const cy = xy.reduce((n, p) => n + p[1], 0) / xy.length;
    const label = f && (f.freeDrivers || f.openRequests) ? `${f.freeDrivers}·${f.openRequests}` : '';
    svg.append(
      s(
        'g',
        { 'data-cell': cell, 'data-free': f?.freeDrivers ?? 0, 'data-open': f?.openRequests ?? 0 },
        s('polygon', { points: xy.map((p) => p.map((n) => n.toFixed(1)).join(',')).join(' '), fill: fillOf(f), stroke: '#5b6470', 'stroke-width': 1 }, s('title', {}, describe(cell, f))),
        label ? s('text', { x: cx.toFixed(1), y: cy.toFixed(1), 'text-anchor': 'middle', 'dominant-baseline': 'central', class: 'hexlabel' }, label) : null,
      ),
    );
  }
  return svg;
}
