import { io } from 'socket.io-client';
import { h, replace } from '../dom';
import { CellFigures, describe, hexMap, serviceArea } from '../live/hex-map';
import { currentSession } from '../session';

/** The /members namespace's snapshot (apps/dispatch/src/live/live-snapshot.ts). */
interface LiveSnapshot {
  at: string;
  h3Resolution: number;
  onlineDrivers: number;
  freeDrivers: number;
  openRequests: number;
  medianWaitSeconds: number | null;
  cells: CellFigures[];
}

function figure(label: string, value: string, id: string) {
  return h('div', { class: 'figure' }, h('dt', { id: `${id}-label` }, label), h('dd', { id, 'aria-labelledby': `${id}-label` }, value));
}

function waitInWords(seconds: number | null): string {
  if (seconds === null) return 'nobody waiting';
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** Live supply and demand per public H3 cell, pushed over socket.io. Returns a cleanup. */
export function showLive(main: HTMLElement): () => void {
  const figures = h('dl', { class: 'figures' });
  const map = h('div', { class: 'map' }, h('p', {}, 'Connecting…'));
  const table = h('div', { class: 'cells' });
  const updated = h('p', { class: 'muted', id: 'live-updated' });
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    h('li', {}, h('span', { class: 'swatch', style: 'background:#86efac' }), 'free drivers (darker: more)'),
    h('li', {}, h('span', { class: 'swatch', style: 'background:#fb923c' }), 'more requests than free drivers'),
    h('li', {}, 'Label: free drivers · open requests'),
  );
  replace(main, h('section', {}, h('h1', {}, 'Live map'), figures, h('div', { class: 'map-wrap' }, map, legend), updated, h('h2', {}, 'Busy areas'), table));

  // Every cell seen since the page opened stays on the map, so the area does not jump around.
  const seen = new Set<string>();
  const socket = io('/members', { auth: { token: currentSession()?.accessToken }, transports: ['websocket'] });
  socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
    replace(map, h('p', { role: 'alert', class: 'error' }, `Live data unavailable: ${error.data?.code ?? error.message}`));
  });
  socket.on('live:snapshot', (snap: LiveSnapshot) => {
    replace(
      figures,
      figure('Drivers online', String(snap.onlineDrivers), 'fig-online'),
      figure('Free now', String(snap.freeDrivers), 'fig-free'),
      figure('Open requests', String(snap.openRequests), 'fig-open'),
      figure('Median wait so far', waitInWords(snap.medianWaitSeconds), 'fig-wait'),
    );
    for (const c of snap.cells) seen.add(c.cell);
    const byCell = new Map(snap.cells.map((c) => [c.cell, c]));
    replace(map, seen.size ? hexMap(serviceArea(seen), byCell) : h('p', {}, 'Nobody is online yet.'));
    replace(
      table,
      snap.cells.length
        ? h(
            'table',
            { id: 'live-cells' },
            h('caption', {}, `Areas are H3 cells at resolution ${snap.h3Resolution}, the policy's public resolution.`),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Cell'), h('th', { scope: 'col' }, 'Free drivers'), h('th', { scope: 'col' }, 'Busy'), h('th', { scope: 'col' }, 'Open requests'))),
            h('tbody', {}, snap.cells.map((c) => h('tr', { 'data-cell': c.cell, title: describe(c.cell, c) }, h('th', { scope: 'row' }, h('code', {}, c.cell)), h('td', {}, c.freeDrivers), h('td', {}, c.busyDrivers), h('td', {}, c.openRequests)))),
          )
        : h('p', {}, 'No drivers or requests right now.'),
    );
    updated.textContent = `Updated ${new Date(snap.at).toLocaleTimeString()}`;
  });
  return () => socket.close();
}
