import { api } from '../api';
import { h, replace } from '../dom';

/** GET /v1/policy */
interface PolicyInForce {
  version: number;
  hash: string;
  document: Record<string, unknown>;
}

function section(name: string, value: unknown) {
  return h('details', { class: 'card', open: name === 'matching' }, h('summary', {}, name), h('pre', {}, JSON.stringify(value, null, 2)));
}

/**
 * The policy in force, readable, with its hash. Proposals and votes (apps/payouts) had no API
 * in main when this page was written; the page says so instead of pretending.
 */
export async function showGovernance(main: HTMLElement): Promise<void> {
  const policy = await api<PolicyInForce>('/v1/policy');
  replace(
    main,
    h('h1', {}, 'Policy and votes'),
    h('section', { class: 'card' }, h('h2', {}, `Policy in force: version ${policy.version}`), h('p', {}, 'Content hash: ', h('code', { id: 'policy-hash', class: 'wrap' }, policy.hash))),
    Object.entries(policy.document).map(([name, value]) => section(name, value)),
    h('section', { class: 'card' }, h('h2', {}, 'Proposals'), h('p', { id: 'votes-unavailable' }, 'Voting on proposals is not available on this server yet.')),
  );
}
