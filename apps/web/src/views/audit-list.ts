import { h, replace, announce } from '../dom';
import { DecisionsSource } from '../audit/decisions-source';
import { DecisionEntry, chosenFor, evaluationsOf } from '../audit/leaf-types';
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
  const kind = leaf?.kind === 'policy_activation' ? 'Policy came into force' : leaf ? `Dispatch (${record?.mode ?? '?'})` : 'Withheld';
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

/** The decision list, newest first, with filters by time, pickup cell and "my decisions". */
export async function showAuditList(main: HTMLElement): Promise<void> {
  const session = currentSession();
  const source = new DecisionsSource();
  const loaded: DecisionEntry[] = [];
  const from = h('input', { id: 'f-from', type: 'datetime-local' });
  const to = h('input', { id: 'f-to', type: 'datetime-local' });
  const cell = h('input', { id: 'f-cell', type: 'search', placeholder: 'e.g. 872b8…', autocomplete: 'off' });
  const mine = h('input', { id: 'f-mine', type: 'checkbox', disabled: session?.role !== 'driver' });
  const body = h('tbody');
  const count = h('p', { class: 'muted', id: 'audit-count' });
  const more = h('button', { type: 'button', class: 'secondary' }, 'Load older decisions');

  const filters = (): Filters => ({
    from: from.value ? new Date(from.value).getTime() : undefined,
    to: to.value ? new Date(to.value).getTime() : undefined,
    cell: cell.value.trim(),
    mine: mine.checked,
  });
  const draw = () => {
    const shown = loaded.filter((e) => matches(e, filters()));
    replace(body, shown.map(row));
    count.textContent = `${shown.length} of ${loaded.length} loaded entries shown; the log has ${source.treeSize}.`;
    more.hidden = !source.hasOlder;
    announce(count.textContent);
  };
  const load = async () => {
    more.disabled = true;
    loaded.push(...(await source.older()));
    more.disabled = false;
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
        h('div', {}, h('label', { for: 'f-cell' }, 'Pickup cell'), cell),
        h(
          'div',
          { class: 'check' },
          mine,
          h('label', { for: 'f-mine' }, 'Only decisions about me'),
          session?.role !== 'driver' ? h('small', { class: 'muted' }, ' (drivers only: riders are not named in decisions to themselves)') : null,
        ),
      ),
      count,
      h('div', { class: 'scroll' }, h('table', { id: 'decisions' }, h('thead', {}, h('tr', {}, ['Entry', 'Time', 'What', 'Pickup cell', 'Candidates', 'Outcome'].map((t) => h('th', { scope: 'col' }, t)))), body)),
      more,
    ),
  );
  await load();
}
