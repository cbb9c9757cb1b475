import { SimResult, gini, mean, percentile } from '@coop/simulation';

/** One markdown table row per policy, in the order the columns are described in BENCHMARKS.md. */
export function resultTable(rows: Array<{ name: string; result: SimResult }>): string {
  const head =
    '| policy | requests | served | unfulfilled | rider wait p50 | rider wait p95 | deadhead km / driver | ' +
    'earnings / online h (mean) | Gini of earnings / h (sim) | Gini of earnings / h (period) | offers / driver (mean, max) | decisions (replayed ok) |';
  const sep = `|${' --- |'.repeat(12)}`;
  const body = rows.map(({ name, result: r }) => {
    const cells = [
      name,
      String(r.requests),
      `${r.served} (${((100 * r.served) / Math.max(1, r.requests)).toFixed(1)}%)`,
      String(r.unfulfilled),
      `${Math.round(percentile(r.waitsS, 50))} s`,
      `${Math.round(percentile(r.waitsS, 95))} s`,
      mean(r.deadheadKmPerDriver).toFixed(2),
      `$${mean(r.simEarningsPerHour).toFixed(2)}`,
      gini(r.simEarningsPerHour).toFixed(3),
      gini(r.periodEarningsPerHour).toFixed(3),
      `${mean(r.offersPerDriver).toFixed(1)}, ${Math.max(...r.offersPerDriver)}`,
      `${r.decisions} (${r.replayed - r.replayFailures}/${r.replayed})`,
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return [head, sep, ...body].join('\n');
}
