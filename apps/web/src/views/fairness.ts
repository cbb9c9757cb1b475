import { api } from '../api';
import { barChart, lineChart } from '../charts';
import { h, replace } from '../dom';
import { FairnessReport, earningsPerHourBands, giniOverTime, offersPerDriver, previousPeriods } from '../fairness/fairness-figures';

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

/** The fairness report as charts: offers per driver, earnings per hour, Gini over time. */
export async function showFairness(main: HTMLElement): Promise<void> {
  const report = await api<FairnessReport>('/v1/audit/fairness');
  const periods = previousPeriods(report.period, 6);
  // Earlier periods: a failure leaves a gap in the chart, not an error page.
  const history = await Promise.all(periods.map((p) => (p === report.period ? report : api<FairnessReport>(`/v1/audit/fairness?period=${p}`).catch(() => undefined))));

  const offers = offersPerDriver(report);
  const bands = earningsPerHourBands(report);
  const gini = giniOverTime(history);

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
    offers.length
      ? barChart(offers.length < report.drivers.length ? `Offers per driver (top ${offers.length} of ${report.drivers.length})` : 'Offers per driver', offers, { id: 'chart-offers', columns: ['Driver', 'Offers'] })
      : h('p', {}, 'No offers in this period yet.'),
    bands.length
      ? barChart('Earnings per online hour: drivers per band', bands, { id: 'chart-earnings', columns: ['Earnings per hour', 'Drivers'] })
      : h('p', { id: 'chart-earnings' }, 'No driver has enough online time for earnings per hour yet.'),
    gini.length ? lineChart(`Gini over time (${periods[0]} to ${periods[periods.length - 1]})`, periods, gini, { id: 'chart-gini' }) : null,
    report.outcomes ? outcomesSection(report.outcomes) : null,
  );
}
