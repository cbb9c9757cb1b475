import { h, replace } from '../dom';
import { DecisionsSource } from '../audit/decisions-source';
import { searchOlder } from '../audit/search-older';
import { DecisionEntry, chosenFor, evaluationsOf, leafTitle } from '../audit/leaf-types';
import { currentSession } from '../session';

interface Filters {
  from?: number;
  to?: number;
  cell: string;
  mine: boolean;
}

function matches(entry: DecisionEntry, f: Filters): boolean {
  const record = entry.leaf?.record;
  if (f.mine && !entry.viewer) return false;
  if (!record) return !f.from && !f.to && !f.cell;
  if (f.from && record.nowMs < f.from) return false;
  if (f.to && record.nowMs > f.to) return false;
  if (f.cell && !evaluationsOf(record).some((e) => e.search.pickupCell.toLowerCase().includes(f.cell.toLowerCase()))) return false;
  return true;
}

function row(entry: DecisionEntry) {
  const leaf = entry.leaf;
  const record = leaf?.record;
  const evaluations = record ? evaluationsOf(record) : [];
  const kind = leafTitle(leaf);
  const outcome = evaluations.map((e) => (chosenFor(record!, e.request.requestId) ? `offered to ${chosenFor(record!, e.request.requestId)}` : 'no offer')).join('; ');
  return h(
    'tr',
    { 'data-index': entry.index },
    h('td', {}, h('a', { href: `#/audit/${entry.index}` }, `#${entry.index}`)),
    h('td', {}, record?.nowMs ? new Date(record.nowMs).toLocaleString() : ''),
    h('td', {}, kind, entry.viewer ? h('strong', { class: 'tag' }, ' you') : null),
    h('td', {}, evaluations.map((e) => h('code', {}, e.search.pickupCell))),
    h('td', {}, evaluations.reduce((n, e) => n + e.candidates.length, 0) || ''),
    h('td', {}, outcome),
  );
}

/** Pages read per press of "search older" while a filter is on, at most (100 entries each). */
const SEARCH_PAGES = 10;
/** A search stops once this many more entries match. */
const SEARCH_MATCHES = 20;

/**
 * The decision list, newest first, with filters by time, pickup cell and "my decisions". The
 * API reads the log by index only, so filters apply in the browser to the pages loaded; with a
 * filter on, "search older" reads further pages until enough match, the log starts, or (for a
 * time range) the entries get older than its start.
 */
export async function showAuditList(main: HTMLElement): Promise<void> {
  const session = currentSession();
  const source = new DecisionsSource();
  const loaded: DecisionEntry[] = [];
  const from = h('input', { id: 'f-from', type: 'datetime-local' });
  const to = h('input', { id: 'f-to', type: 'datetime-local' });
  const cells = h('datalist', { id: 'f-cells' });
  const cell = h('input', { id: 'f-cell', type: 'search', list: 'f-cells', placeholder: 'e.g. 872b8…', autocomplete: 'off', 'aria-describedby': 'f-cell-hint' });
  const isDriver = session?.role === 'driver';
  const mine = h('input', { id: 'f-mine', type: 'checkbox', disabled: !isDriver, 'aria-describedby': isDriver ? undefined : 'f-mine-hint' });
  const body = h('tbody');
  const count = h('p', { class: 'muted', id: 'audit-count', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', id: 'audit-more' }, 'Load older decisions');

  const filters = (): Filters => ({
    from: from.value ? new Date(from.value).getTime() : undefined,
    to: to.value ? new Date(to.value).getTime() : undefined,
    cell: cell.value.trim(),
    mine: mine.checked,
  });
  const filtering = () => {
    const f = filters();
    return Boolean(f.from || f.to || f.cell || f.mine);
  };
  const shown = () => loaded.filter((e) => matches(e, filters()));
  const draw = () => {
    const rows = shown();
    replace(body, rows.map(row));
    const seenCells = [...new Set(loaded.flatMap((e) => (e.leaf?.record ? evaluationsOf(e.leaf.record).map((v) => v.search.pickupCell) : [])))].sort();
    replace(cells, seenCells.map((c) => h('option', { value: c })));
    count.textContent = `${rows.length} of ${loaded.length} loaded entries shown; the log has ${source.treeSize}.`;
    more.hidden = !source.hasOlder;
    more.textContent = filtering() ? 'Search older decisions' : 'Load older decisions';
  };
  const load = async () => {
    more.disabled = true;
    try {
      // Without a filter, one page; with one, read on until enough match (see searchOlder).
      const f = filters();
      const limits = filtering() ? { pages: SEARCH_PAGES, matches: SEARCH_MATCHES, notBefore: f.from } : { pages: 1, matches: 0 };
      loaded.push(...(await searchOlder(source, (e) => matches(e, f), limits)));
    } finally {
      more.disabled = false;
    }
    draw();
  };
  for (const input of [from, to, cell, mine]) input.addEventListener('input', draw);
  more.addEventListener('click', () => void load());

  replace(
    main,
    h(
      'section',
      {},
      h('h1', {}, 'Dispatch decisions'),
      h('p', {}, 'Every dispatch decision is in the co-op\'s signed log. Members appear under pseudonyms that change every period; places are shown as coarse cells.'),
      h(
        'form',
        { class: 'filters', role: 'search', 'aria-label': 'Filter decisions', onsubmit: (e: Event) => e.preventDefault() },
        h('div', {}, h('label', { for: 'f-from' }, 'From'), from),
        h('div', {}, h('label', { for: 'f-to' }, 'To'), to),
        h('div', {}, h('label', { for: 'f-cell' }, 'Pickup cell'), cell, cells, h('small', { id: 'f-cell-hint', class: 'muted' }, 'All or part of an H3 cell id')),
        h(
          'div',
          { class: 'check' },
          mine,
          h('label', { for: 'f-mine' }, 'Only decisions about me'),
          isDriver ? null : h('small', { class: 'muted', id: 'f-mine-hint' }, ' (drivers only: decisions name drivers, never riders)'),
        ),
      ),
      h('p', { class: 'muted' }, 'Filters apply to the entries loaded in this page; "Search older decisions" reads further back.'),
      count,
      h('div', { class: 'scroll' }, h('table', { id: 'decisions' }, h('caption', { class: 'visually-hidden' }, 'Log entries, newest first'), h('thead', {}, h('tr', {}, ['Entry', 'Time', 'What', 'Pickup cell', 'Candidates', 'Outcome'].map((t) => h('th', { scope: 'col' }, t)))), body)),
      more,
    ),
  );
  await load();
}
