import { api } from '../api';
import { h, replace } from '../dom';
import { LogGrowth, checkLogGrowth } from '../verify/log-growth';
import { SeenCheckpoint } from '../verify/seen-checkpoint';
import { CheckpointJson } from '../verify/checkpoint';

const when = (iso: string) => new Date(iso).toLocaleString();

function signedHead(title: string, cp: Pick<SeenCheckpoint, 'body' | 'signature' | 'keyId'>) {
  return h('div', {}, h('h3', {}, title), h('pre', {}, `${cp.body}\n— key ${cp.keyId}, signature ${cp.signature}`));
}

function rewriteWarning(seen: SeenCheckpoint, current: CheckpointJson, reason: string) {
  return h(
    'div',
    { class: 'log-alarm', role: 'alert', id: 'log-alarm' },
    h('h2', {}, '⚠ The co-op\'s log rewrote its history'),
    h(
      'p',
      {},
      `On ${when(seen.seenAt)} this browser verified a signed checkpoint of ${seen.treeSize} entries (root `,
      h('code', { class: 'wrap' }, seen.rootHash),
      `). Expected: the log now signs ${current.treeSize} entries and proves that those first ${seen.treeSize} are unchanged. Instead ${reason}.`,
    ),
    h('p', {}, 'Decisions shown on this site may have been changed after members saw them. Tell the board and keep the two signed checkpoints below: together they prove it.'),
    h('details', {}, h('summary', {}, 'Evidence: the two signed checkpoints'), signedHead('The one you saw', seen), signedHead('The one the log signs now', current)),
  );
}

/** The banner above every page: what the last check of the log's growth found. */
export function logBanner(growth: LogGrowth): HTMLElement {
  switch (growth.status) {
    case 'unsigned':
      return h('div', { class: 'log-alarm', role: 'alert', id: 'log-alarm' }, h('h2', {}, '⚠ The log\'s latest checkpoint is not validly signed'), h('p', {}, growth.reason));
    case 'inconsistent':
      return rewriteWarning(growth.seen, growth.current, growth.reason);
    case 'first':
      return h('p', { class: 'log-ok', 'data-status': 'first' }, `✓ Signed log checked: ${growth.current.treeSize} entries. This browser will check on your next visit that none of them changed.`);
    case 'consistent':
      return h(
        'p',
        { class: 'log-ok', 'data-status': 'consistent' },
        `✓ Signed log checked: ${growth.current.treeSize} entries, consistent with the checkpoint you saw at size ${growth.seen.treeSize}.`,
      );
  }
}

/** Draws `growth` into the page's banner slot. */
export function showLogGrowth(growth: LogGrowth): void {
  const slot = document.getElementById('log-check');
  if (slot) replace(slot, logBanner(growth));
}

/** Checks the log once per page load (any visitor: checkpoints and proofs are public). */
export async function checkLogOnLoad(): Promise<void> {
  try {
    showLogGrowth(await checkLogGrowth((path) => api(path), localStorage));
  } catch (error) {
    // No checkpoint yet (a new log) or the server is away: say so quietly, check next time.
    const slot = document.getElementById('log-check');
    if (slot) replace(slot, h('p', { class: 'log-ok muted', 'data-status': 'unchecked' }, `The signed log could not be checked now: ${(error as Error).message}`));
  }
}
