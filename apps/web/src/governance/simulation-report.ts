import { api } from '../api';
import { h, replace } from '../dom';
import { Simulation, SimulationFigures } from './proposal-types';

const POLL_MS = 2000;
const POLL_LIMIT = 60;

/** One row of the report: how to read a figure, and which way is better for members (for the words, not colour alone). */
interface Row {
  label: string;
  value: (f: SimulationFigures) => string;
  /** The difference in words, or null for no difference. */
  change: (d: SimulationFigures) => string | null;
}

const signed = (x: number, unit: string, digits = 0) => (x === 0 ? null : `${x > 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}${unit}`);
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const money = (x: number) => `$${x.toFixed(2)}`;

const ROWS: Row[] = [
  { label: 'Requests served', value: (f) => `${f.served} of ${f.requests}`, change: (d) => signed(d.served, '') },
  { label: 'Unfulfilled (no driver in time)', value: (f) => pct(f.unfulfilledShare), change: (d) => signed(d.unfulfilledShare * 100, ' pts', 1) },
  { label: 'Rider wait, median', value: (f) => `${Math.round(f.waitP50S)} s`, change: (d) => signed(d.waitP50S, ' s') },
  { label: 'Rider wait, 95th percentile', value: (f) => `${Math.round(f.waitP95S)} s`, change: (d) => signed(d.waitP95S, ' s') },
  { label: 'Driver to pickup, mean', value: (f) => `${f.pickupKmMean.toFixed(2)} km`, change: (d) => signed(d.pickupKmMean, ' km', 2) },
  { label: 'Driver earnings per hour, mean', value: (f) => money(f.earningsPerHourMean), change: (d) => signed(d.earningsPerHourMean, '', 2)?.replace(/^([+−])/, '$1$') ?? null },
  {
    label: 'Earnings per hour, 10th to 90th percentile',
    value: (f) => `${money(f.earningsPerHourP10)} to ${money(f.earningsPerHourP90)}`,
    change: (d) => {
      const spread = d.earningsPerHourP90 - d.earningsPerHourP10;
      return signed(spread, '', 2)?.replace(/^([+−])/, '$1$').concat(' spread') ?? null;
    },
  },
  { label: 'Inequality of earnings per hour (Gini, 0 = equal)', value: (f) => f.earningsPerHourGini.toFixed(3), change: (d) => signed(d.earningsPerHourGini, '', 3) },
  { label: 'Offers per driver, mean (max)', value: (f) => `${f.offersPerDriverMean.toFixed(1)} (${f.offersPerDriverMax})`, change: (d) => signed(d.offersPerDriverMean, '', 1) },
];

function reportTable(sim: Simulation) {
  const r = sim.report!;
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'simulation' },
      h('caption', {}, `Simulated: ${r.scenario.drivers} drivers, ${r.scenario.requests} requests over ${r.scenario.hours} h in a ${r.scenario.sizeKm} km city (seed ${r.scenario.seed})`),
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, 'Figure'), h('th', { scope: 'col' }, `In force (v${r.inForce.version})`), h('th', { scope: 'col' }, 'Proposed'), h('th', { scope: 'col' }, 'Change')),
      ),
      h(
        'tbody',
        {},
        ROWS.map((row) =>
          h('tr', {}, h('th', { scope: 'row' }, row.label), h('td', {}, row.value(r.inForce.figures)), h('td', {}, row.value(r.proposed.figures)), h('td', {}, row.change(r.differences) ?? 'no change')),
        ),
      ),
    ),
  );
}

function render(section: HTMLElement, sim: Simulation): void {
  section.dataset.simulation = sim.status;
  const title = h('h4', {}, 'Simulation report');
  if (sim.status === 'pending') return replace(section, title, h('p', { role: 'status' }, 'Pending: the simulator is running both policies. This takes a few seconds.'));
  if (sim.status === 'failed') return replace(section, title, h('p', { role: 'status' }, `The simulation failed: ${sim.error ?? 'unknown error'}.`));
  const r = sim.report!;
  replace(
    section,
    title,
    h(
      'p',
      { role: 'status' },
      r.affected
        ? 'Ready: the policy simulator ran the policy in force and the proposed one on the same simulated city and demand.'
        : 'Not affected: this proposal changes nothing the simulator models (matching, car ride fares, commission), so the figures are equal.',
    ),
    reportTable(sim),
    h('p', { class: 'muted' }, 'A simulation, not a forecast: one seeded synthetic city at the morning rush. Anyone can rerun it with the same result.'),
  );
}

/** The proposal's simulation report; while pending it checks again every few seconds (until the card leaves the page). */
export function simulationSection(proposalId: string): HTMLElement {
  const section = h('section', { class: 'simulation-report', 'aria-live': 'polite', 'aria-label': 'Simulation report' }, h('p', {}, 'Loading the simulation report…'));
  let polls = 0;
  let shown = false;
  const load = (): void => {
    // The card is built before it is placed on the page; once shown and then removed (another view), stop.
    shown ||= section.isConnected;
    if (shown && !section.isConnected) return;
    api<Simulation>(`/v1/governance/proposals/${proposalId}/simulation`)
      .then((sim) => {
        render(section, sim);
        if (sim.status === 'pending' && ++polls < POLL_LIMIT) setTimeout(load, POLL_MS);
      })
      .catch((e: Error) => replace(section, h('p', {}, `The simulation report could not be loaded: ${e.message}`)));
  };
  load();
  return section;
}
