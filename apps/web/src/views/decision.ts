import { api } from '../api';
import { announce, h, replace } from '../dom';
import { decisionAt } from '../audit/decisions-source';
import { explain, ordinal, reasonInWords, termHeading, termInWords } from '../audit/explain';
import { DecisionEntry, Evaluation, chosenFor, evaluationsOf, leafTitle } from '../audit/leaf-types';
import { verifyDecision } from '../verify/verify-decision';
import { showLogGrowth } from './log-banner';

function candidatesTable(evaluation: Evaluation, chosen: string | null, viewer: string | undefined) {
  const terms = Object.keys(evaluation.candidates[0]?.terms ?? {});
  // The explanation sits above the table, not in its caption: a caption is as wide as the table,
  // which on a phone scrolls sideways and would cut the sentence.
  const legend = h(
    'p',
    { class: 'muted' },
    'Points per term are 0 to 10 000; the score is their weighted sum under the policy. ',
    terms.flatMap((t, i) => [h('strong', {}, termHeading(t)), `: ${termInWords(t)}${i < terms.length - 1 ? '; ' : '.'}`]),
  );
  return [
    legend,
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'candidates' },
        h('caption', {}, 'Candidates, best first'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Rank'), h('th', { scope: 'col' }, 'Driver'), h('th', { scope: 'col' }, 'Pickup ETA'), h('th', { scope: 'col' }, 'Distance'), terms.map((t) => h('th', { scope: 'col' }, `${termHeading(t)} points`)), h('th', { scope: 'col' }, 'Score'))),
        h(
          'tbody',
          {},
          evaluation.candidates.map((c, i) =>
            h(
              'tr',
              { class: [c.driverId === chosen ? 'chosen' : '', c.driverId === viewer ? 'me' : ''].join(' ').trim() || undefined },
              h('td', {}, ordinal(i + 1)),
              h('th', { scope: 'row' }, h('code', {}, c.driverId), c.driverId === viewer ? ' (you)' : '', c.driverId === chosen ? ' (offered)' : ''),
              h('td', {}, `${c.features.etaSeconds} s`),
              h('td', {}, `${c.features.distanceM} m`),
              terms.map((t) => h('td', {}, c.terms[t])),
              h('td', {}, h('strong', {}, c.score)),
            ),
          ),
        ),
      ),
    ),
  ];
}

function evaluationSection(entry: DecisionEntry, evaluation: Evaluation) {
  const record = entry.leaf!.record!;
  const chosen = chosenFor(record, evaluation.request.requestId);
  const viewer = entry.viewer?.pseudonym;
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, `Request ${evaluation.request.requestId} (${evaluation.request.kind})`),
    h('p', { class: 'plain', 'data-request': evaluation.request.requestId }, explain(evaluation, chosen, viewer, record.mode === 'batch' ? record.assignment : undefined)),
    h('p', { class: 'muted' }, `Pickup in cell ${evaluation.search.pickupCell}; ${evaluation.search.ringsSearched} ring(s) searched.`),
    evaluation.candidates.length ? candidatesTable(evaluation, chosen, viewer) : h('p', {}, 'No eligible candidate.'),
    h('h3', {}, 'Left out'),
    evaluation.exclusions.length
      ? h('ul', { class: 'exclusions' }, evaluation.exclusions.map((e) => h('li', {}, h('code', {}, e.driverId), e.driverId === viewer ? ' (you)' : '', ` ${reasonInWords(e.reason)}`)))
      : h('p', {}, 'Nobody.'),
  );
}

function verifyPanel(entry: DecisionEntry) {
  const result = h('div', { id: 'verify-result', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', id: 'verify' }, 'Verify in this browser');
  button.addEventListener('click', () => {
    button.disabled = true;
    replace(result, h('p', {}, 'Verifying…'));
    verifyDecision((path) => api(path), localStorage, entry.index, entry.leaf!, entry.leafHash)
      .then((outcome) => {
        showLogGrowth(outcome.growth);
        replace(
          result,
          h('p', { class: outcome.ok ? 'pass' : 'fail', 'data-ok': String(outcome.ok) }, outcome.ok ? '✓ Verified: this decision is in the signed log, unchanged.' : '✗ Verification failed: what is shown is not what the log committed to.'),
          h('ul', { class: 'steps' }, outcome.steps.map((s) => h('li', { class: s.ok ? 'pass' : 'fail' }, h('strong', {}, `${s.ok ? '✓' : '✗'} ${s.what}: `), s.detail))),
        );
        announce(outcome.ok ? 'Verified' : 'Verification failed');
      })
      .catch((error: Error) => replace(result, h('p', { class: 'fail', 'data-ok': 'false' }, `Could not verify: ${error.message}`)))
      .finally(() => (button.disabled = false));
  });
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Check it yourself'),
    h('p', {}, 'Your browser checks the latest signed checkpoint\'s signature and that the log only grew since you last looked, recomputes this entry\'s hash, and checks its inclusion proof against that checkpoint. Nothing the server says is trusted.'),
    button,
    result,
  );
}

/** One log entry: the decision in plain words, candidates, exclusions, and the Verify button. */
export async function showDecision(main: HTMLElement, index: number): Promise<void> {
  const entry = await decisionAt(index);
  const back = h('p', {}, h('a', { href: '#/audit' }, '← All decisions'));
  if (!entry) return replace(main, back, h('p', { role: 'alert' }, `There is no entry ${index} in the log.`));
  if (!entry.leaf) return replace(main, back, h('h1', {}, `Entry #${index}`), h('p', {}, entry.withheld ?? 'This entry is withheld from your view.'));
  const record = entry.leaf.record;
  const header = h('h1', {}, `Entry #${index}: ${leafTitle(entry.leaf)}`);
  const meta = record && entry.leaf.kind === 'dispatch_decision'
    ? h('p', { class: 'muted' }, `${new Date(record.nowMs ?? 0).toLocaleString()} · policy version ${record.policy?.version ?? '?'} · ${record.rule ? `ranking: ${record.rule}` : ''}`)
    : null;
  const body =
    entry.leaf.kind === 'dispatch_decision' && record
      ? evaluationsOf(record).map((e) => evaluationSection(entry, e))
      : [h('details', { class: 'card' }, h('summary', {}, 'The logged document'), h('pre', {}, JSON.stringify(entry.leaf, null, 2)))];
  const own = entry.viewer
    ? h('details', { class: 'card' }, h('summary', {}, `Your own snapshot at the time (you are ${entry.viewer.pseudonym} this period)`), h('pre', {}, JSON.stringify(entry.viewer.snapshot, null, 2)))
    : null;
  const audit = entry.disclosure
    ? h('details', { class: 'card', id: 'disclosure' }, h('summary', {}, 'Auditor view: the full record sealed in this entry'), h('pre', {}, JSON.stringify(entry.disclosure.record, null, 2)))
    : null;
  replace(main, back, header, meta, body, own, audit, verifyPanel(entry));
}
