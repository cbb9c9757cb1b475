/** The members' page: a hash router over a few views, each a function that fills <main>. */
import './style.css';
import { h, replace } from './dom';
import { clearSession, currentSession } from './session';
import { showSignIn } from './views/sign-in';
import { showLive } from './views/live';
import { showAuditList } from './views/audit-list';
import { showDecision } from './views/decision';
import { showFairness } from './views/fairness';
import { showGovernance } from './views/governance';
import { checkLogOnLoad } from './views/log-banner';
import { keepScrollRegionsReachable } from './scroll-regions';

/** Cleanup of the view on screen (a socket to close), run before the next one is drawn. */
let leave: (() => void) | void;

const links = [
  ['#/live', 'Live map'],
  ['#/audit', 'Audit'],
  ['#/fairness', 'Fairness'],
  ['#/governance', 'Policy and votes'],
] as const;

function drawNav(route: string): void {
  const nav = document.getElementById('nav')!;
  const session = currentSession();
  if (!session) return replace(nav);
  replace(
    nav,
    h('ul', {}, links.map(([href, label]) => h('li', {}, h('a', { href, 'aria-current': route.startsWith(href) ? 'page' : undefined }, label)))),
    h('span', { class: 'who' }, `${session.email} (${session.role})`),
    h('button', { type: 'button', class: 'link', onclick: () => { clearSession(); location.hash = '#/sign-in'; } }, 'Sign out'),
  );
}

async function route(): Promise<void> {
  leave?.();
  leave = undefined;
  const main = document.getElementById('main')!;
  const hash = location.hash || '#/live';
  if (!currentSession() && hash !== '#/sign-in') {
    location.hash = '#/sign-in';
    return;
  }
  drawNav(hash);
  const decision = /^#\/audit\/(\d+)$/.exec(hash);
  try {
    if (hash === '#/sign-in') leave = showSignIn(main);
    else if (decision) leave = await showDecision(main, Number(decision[1]));
    else if (hash.startsWith('#/audit')) leave = await showAuditList(main);
    else if (hash === '#/fairness') leave = await showFairness(main);
    else if (hash === '#/governance') leave = await showGovernance(main);
    else leave = showLive(main);
  } catch (error) {
    replace(main, h('p', { role: 'alert', class: 'error' }, `Could not load this page: ${(error as Error).message}`));
  }
  // Move focus to the new content so keyboard and screen-reader users land on it.
  if (hash !== '#/sign-in') main.focus({ preventScroll: true });
}

keepScrollRegionsReachable(document.getElementById('main')!);
// The skip link moves focus to the content; following "#main" would be taken for a route.
document.querySelector('a.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main')?.focus();
});
window.addEventListener('hashchange', () => void route());
void route();
// Every visit first checks that the signed log only grew since this browser last saw it.
void checkLogOnLoad();
