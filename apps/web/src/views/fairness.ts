import { api } from '../api';
import { Bar, barChart, histogram } from '../charts';
import { h, replace } from '../dom';

/** GET /v1/audit/fairness */
interface FairnessReport {
  period: string;
  decisions: number;
  drivers: { pseudonym: string; offers: number; candidacies: number; exclusions: Record<string, number>; earnedMinor: number; onlineSeconds: number; earningsPerHourMinor: number | null }[];
  offersGini: number;
  earningsPerHourGini: number;
  /** Trip outcomes from the trips table (newer servers): reported, not verifiable from the log. */
  outcomes?: {
    requested: number;
    matched: number;
    completed: number;
    waitSeconds: { median: number; p90: number; max: number } | null;
    drivers: { pseudonym: string; trips: number; completed: number }[];
    tripsGini: number;
  };
}

function outcomesSection(o: NonNullable<FairnessReport['outcomes']>) {
  const wait = o.waitSeconds;
  return h(
    'section',
    { class: 'card', id: 'outcomes' },
    h('h2', {}, 'Trips and waits (reported by the server)'),
    h('p', { class: 'muted' }, 'From the trips table, not from the signed log: these figures cannot be verified in the browser.'),
    h(
      'dl',
      { class: 'figures' },
      h('div', { class: 'figure' }, h('dt', {}, 'Requested'), h('dd', {}, o.requested)),
      h('div', { class: 'figure' }, h('dt', {}, 'Completed'), h('dd', {}, o.completed)),
      h('div', { class: 'figure' }, h('dt', {}, 'Median wait for a driver'), h('dd', {}, wait ? `${Math.round(wait.median)} s` : '–')),
      h('div', { class: 'figure' }, h('dt', {}, 'Gini of trips'), h('dd', {}, o.tripsGini.toFixed(3))),
    ),
    wait ? h('p', {}, `90% of riders waited at most ${Math.round(wait.p90)} s; the longest wait was ${Math.round(wait.max)} s.`) : null,
  );
}

/** The last `n` monthly periods, oldest first, ending with `period` (YYYY-MM). */
export function previousMonths(period: string, n: number): string[] {
  const [year, month] = period.split('-').map(Number);
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(year, month - 1 - (n - 1 - i), 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

const dollars = (minor: number) => `$${(minor / 100).toFixed(0)}`;

/** The fairness report as charts: offers per driver, earnings per hour, Gini over time. */
export async function showFairness(main: HTMLElement): Promise<void> {
  const report = await api<FairnessReport>('/v1/audit/fairness');
  const months = /^\d{4}-\d{2}$/.test(report.period) ? previousMonths(report.period, 6) : [report.period];
  const history = await Promise.all(months.map((p) => (p === report.period ? report : api<FairnessReport>(`/v1/audit/fairness?period=${p}`).catch(() => undefined))));

  const offers: Bar[] = [...report.drivers].sort((a, b) => b.offers - a.offers).slice(0, 20).map((d) => ({ label: d.pseudonym, value: d.offers }));
  const perHour = report.drivers.flatMap((d) => (d.earningsPerHourMinor === null ? [] : [d.earningsPerHourMinor]));
  const gini: Bar[] = history.flatMap((r, i) => (r && r.decisions > 0 ? [{ label: months[i], value: r.offersGini }] : []));

  replace(
    main,
    h('h1', {}, `Fairness, period ${report.period}`),
    h(
      'dl',
      { class: 'figures' },
      h('div', { class: 'figure' }, h('dt', {}, 'Decisions'), h('dd', { id: 'fair-decisions' }, report.decisions)),
      h('div', { class: 'figure' }, h('dt', {}, 'Drivers'), h('dd', {}, report.drivers.length)),
      h('div', { class: 'figure' }, h('dt', {}, 'Gini of offers'), h('dd', {}, report.offersGini.toFixed(3))),
      h('div', { class: 'figure' }, h('dt', {}, 'Gini of earnings per hour'), h('dd', {}, report.earningsPerHourGini.toFixed(3))),
    ),
    h('p', { class: 'muted' }, 'Computed from the public log only; a Gini of 0 means perfectly equal, 1 means one driver has everything. Drivers are pseudonyms for this period.'),
    offers.length ? barChart('Offers per driver (top 20)', offers) : h('p', {}, 'No offers in this period yet.'),
    perHour.length ? barChart('Earnings per online hour: drivers per band', histogram(perHour, 1000).map((b) => ({ ...b, label: b.label.split('–').map((x) => dollars(Number(x))).join('–') }))) : h('p', {}, 'No driver has enough online time for earnings per hour yet.'),
    gini.length ? barChart('Gini of offers by month', gini, (n) => n.toFixed(2)) : null,
    report.outcomes ? outcomesSection(report.outcomes) : null,
  );
}
