/**
 * Wide tables sit in `.scroll` boxes that scroll sideways on a phone. A box that does scroll
 * must be reachable by keyboard to scroll it (WCAG 2.1.1; axe-core rule
 * scrollable-region-focusable), so it gets a tab stop and a name, from its table's caption.
 * Done here for every view, including ones drawn after the route (a report that arrives later).
 */
function label(box: HTMLElement): string {
  const caption = box.querySelector('caption')?.textContent?.trim();
  return caption ? `${caption} (scrolls sideways)` : 'Table (scrolls sideways)';
}

function update(box: HTMLElement): void {
  const scrolls = box.scrollWidth > box.clientWidth;
  if (scrolls && !box.hasAttribute('tabindex')) {
    box.tabIndex = 0;
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', label(box));
  } else if (!scrolls && box.getAttribute('role') === 'region') {
    box.removeAttribute('tabindex');
    box.removeAttribute('role');
    box.removeAttribute('aria-label');
  }
}

/** Keeps every `.scroll` box under `root` keyboard-reachable while it overflows. */
export function keepScrollRegionsReachable(root: HTMLElement): void {
  const all = () => root.querySelectorAll<HTMLElement>('.scroll').forEach(update);
  new MutationObserver(all).observe(root, { childList: true, subtree: true });
  window.addEventListener('resize', all);
  // A table inside a closed <details> has no width until it opens; toggle does not bubble.
  root.addEventListener('toggle', all, true);
}
