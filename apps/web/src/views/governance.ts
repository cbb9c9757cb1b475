import { api } from '../api';
import { h, replace } from '../dom';
import { proposalCard } from '../governance/proposal-card';
import { Proposal } from '../governance/proposal-types';
import { currentSession } from '../session';

/** GET /v1/policy */
interface PolicyInForce {
  version: number;
  hash: string;
  document: Record<string, unknown>;
}

/** Pretty JSON with arrays of numbers kept on one line (the ETA speed tables are 24 numbers each). */
export function readableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\s+([-\d.,\s]+?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`);
}

function section(name: string, value: unknown) {
  if (value === null || typeof value !== 'object') return h('p', {}, h('strong', {}, `${name}: `), String(value));
  return h('details', { class: 'card' }, h('summary', {}, name), h('pre', {}, readableJson(value)));
}

/** The policy in force, readable, with its hash; open proposals to vote on; closed ones with tallies. */
export async function showGovernance(main: HTMLElement): Promise<void> {
  const [policy, list] = await Promise.all([api<PolicyInForce>('/v1/policy'), api<{ proposals: Proposal[] }>('/v1/governance/proposals?limit=50')]);
  const role = currentSession()?.role;
  const canVote = role === 'driver' || role === 'rider';
  const open = list.proposals.filter((p) => p.status === 'open');
  const closed = list.proposals.filter((p) => p.status !== 'open');
  replace(
    main,
    h('h1', {}, 'Policy and votes'),
    h('section', {}, h('h2', {}, 'Open proposals'), open.length ? await Promise.all(open.map((p) => proposalCard(p, canVote))) : h('p', {}, 'No proposal is open for votes.')),
    h('section', {}, h('h2', {}, 'Closed proposals'), closed.length ? await Promise.all(closed.map((p) => proposalCard(p, canVote))) : h('p', {}, 'None yet.')),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, `Policy in force: version ${policy.version}`),
      h('p', {}, 'Content hash: ', h('code', { id: 'policy-hash', class: 'wrap' }, policy.hash)),
      Object.entries(policy.document).map(([name, value]) => section(name, value)),
    ),
  );
}
