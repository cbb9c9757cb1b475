import { api, ApiError } from '../api';
import { announce, h, replace } from '../dom';
import { Ballot, Choice, Proposal, Tally } from './proposal-types';
import { simulationSection } from './simulation-report';

const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
const percent = (basisPoints: number) => `${(basisPoints / 100).toFixed(2).replace(/\.00$/, '')}%`;

/** The change a proposal makes, path by path. */
function diffTable(p: Proposal) {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'diff' },
      h('caption', {}, `Changes to policy version ${p.baseVersion}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Setting'), h('th', { scope: 'col' }, 'Now'), h('th', { scope: 'col' }, 'Proposed'))),
      h('tbody', {}, p.changes.map((c) => h('tr', {}, h('th', { scope: 'row' }, h('code', {}, c.path)), h('td', {}, h('del', {}, show(c.before))), h('td', {}, h('ins', {}, show(c.after)))))),
    ),
  );
}

function tallyLine(t: Tally): string {
  return (
    `${t.yes} yes, ${t.no} no, ${t.abstain} abstain: ${t.cast} of ${t.eligible} voted ` +
    `(quorum ${percent(t.quorumBasisPoints)} ${t.quorumMet ? 'met' : 'not met'}; threshold ${percent(t.thresholdBasisPoints)} ${t.thresholdMet ? 'met' : 'not met'}).`
  );
}

/** Yes / no / abstain, with the member's current ballot and receipt. */
function ballotForm(p: Proposal, current: Ballot | undefined) {
  const name = `vote-${p.id}`;
  const status = h('p', { class: 'ballot-status', role: 'status' }, current ? `Your vote: ${current.choice} (receipt ${current.receipt}). You can change it until the close.` : 'You have not voted yet.');
  const options = (['yes', 'no', 'abstain'] as Choice[]).map((choice) =>
    h('label', { class: 'choice' }, h('input', { type: 'radio', name, value: choice, checked: current?.choice === choice }), ` ${choice[0].toUpperCase()}${choice.slice(1)}`),
  );
  const form = h('form', { class: 'ballot', 'aria-label': `Vote on ${p.title}` }, h('fieldset', {}, h('legend', {}, 'Your vote'), options), h('button', { type: 'submit' }, 'Cast vote'), status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const picked = form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`);
    if (!picked) return void (status.textContent = 'Choose yes, no or abstain first.');
    api<Ballot>(`/v1/governance/proposals/${p.id}/ballot`, { method: 'PUT', body: { choice: picked.value } })
      .then((ballot) => {
        status.textContent = `Vote recorded: ${ballot.choice} (receipt ${ballot.receipt}). You can change it until the close.`;
        announce(status.textContent);
      })
      .catch((e: Error) => (status.textContent = `Your vote was not recorded: ${e.message}`));
  });
  return form;
}

/** One proposal: what it changes, its simulation report, when it closes, and the vote (open) or the tally (closed). */
export async function proposalCard(p: Proposal, canVote: boolean): Promise<HTMLElement> {
  const card = h('article', { class: 'card proposal', 'data-proposal': p.id, 'data-status': p.status });
  let ballot: Ballot | undefined;
  if (p.status === 'open' && canVote) {
    ballot = await api<Ballot>(`/v1/governance/proposals/${p.id}/ballot`).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    });
  }
  replace(
    card,
    h('h3', {}, p.title),
    p.rationale ? h('p', {}, p.rationale) : null,
    h('p', { class: 'muted' }, `${p.status === 'open' ? 'Closes' : 'Closed'} ${new Date(p.closesAt).toLocaleString()} · takes effect ${new Date(p.effectiveAt).toLocaleString()}${p.supermajority ? ' · changes governance: supermajority needed' : ''}`),
    diffTable(p),
    simulationSection(p.id),
    p.tally ? h('p', { class: 'tally' }, h('strong', {}, `${p.status === 'passed' ? 'Passed' : p.status === 'rejected' ? 'Rejected' : p.status}: `), tallyLine(p.tally)) : null,
    p.status === 'superseded' ? h('p', {}, 'Superseded: the policy changed before this closed.') : null,
    p.status === 'open' ? (canVote ? ballotForm(p, ballot) : h('p', { class: 'muted' }, 'Only rider and driver members vote.')) : null,
  );
  return card;
}
