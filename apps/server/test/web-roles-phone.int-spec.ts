import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, CITY, TestSystem } from './system.harness';
import { SCREENSHOTS, buildWebPage, horizontalOverflow, launchChromium, seriousAccessibilityViolations } from './web-browser';

jest.setTimeout(240_000);

const PASSWORD = 'a-good-password';
const PHONE = { width: 390, height: 844 };

/**
 * The members' page by role (driver, rider, auditor, treasurer), the audit filters, and every
 * page on a phone-sized screen: no sideways scrolling, no serious axe-core violation (WCAG 2.1
 * A and AA rules), keyboard focus visible. Debian's chromium against the whole system.
 */
describe('members web page: roles, filters, phones and accessibility', () => {
  let system: TestSystem;
  let browser: Browser;
  let decisionIndex: number;
  let pickupCell: string;
  let runnerUp: { email: string };
  let rider: { email: string; token: string; memberId: string };
  let treasurer: { email: string };
  let proposalId: string;

  beforeAll(async () => {
    buildWebPage();
    system = await TestSystem.start();
    browser = await launchChromium();
    // One decision with a winner and a runner-up, as in web.int-spec.ts.
    await system.onlineDriver({ lat: CITY.lat + 0.001, lng: CITY.lng });
    runnerUp = await system.onlineDriver({ lat: CITY.lat + 0.01, lng: CITY.lng + 0.01 });
    rider = await system.member('rider');
    const trip = await system.requestTrip(rider);
    await system.pendingOffer(trip.tripId);
    // Cancelled at once, so no offer lapses and goes to the runner-up while the pages are
    // read: the fairness figures must stay what the report said when the test fetched it.
    const cancelled = await system.http('POST', `/v1/trips/${trip.tripId}/cancel`, { token: rider.token, body: {} });
    expect(cancelled.status).toBe(200);
    const [row] = await system.sql<{ index: string; body: string }>(`SELECT index, body FROM log_leaves WHERE kind = 'dispatch_decision' ORDER BY index DESC LIMIT 1`);
    decisionIndex = Number(row.index);
    pickupCell = JSON.parse(row.body).record.search.pickupCell;
    treasurer = await system.treasurer();
    const proposed = await system.http('POST', '/v1/governance/proposals', {
      token: (await system.member('rider')).token,
      body: { title: 'Give drivers 45 s to answer', rationale: 'Drivers on bikes need longer.', patch: { matching: { offerTimeoutSeconds: 45 } } },
    });
    expect(proposed.status).toBe(201);
    proposalId = proposed.body.id;
    await system.until(async () => (await system.http('GET', '/v1/audit/checkpoint')).body?.treeSize > decisionIndex, 30_000, 200);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function signIn(email: string, password = PASSWORD, viewport = { width: 1200, height: 900 }): Promise<Page> {
    const p = await browser.newPage({ viewport });
    await p.goto(system.url + '/');
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill(password);
    await p.getByLabel('Password').press('Enter');
    await p.getByRole('heading', { name: 'Live map' }).waitFor({ timeout: 30_000 });
    return p;
  }

  /** The focused element, its focus outline, and whether it is on screen. */
  function focusOf(p: Page) {
    return p.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return { id: el.id, text: el.textContent, outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth), onScreen: box.left >= 0 && box.top >= 0 };
    });
  }

  async function openDecision(p: Page): Promise<void> {
    await p.goto(system.url + `/#/audit/${decisionIndex}`);
    await p.getByRole('heading', { name: `Entry #${decisionIndex}: Dispatch` }).waitFor({ timeout: 30_000 });
  }

  async function openGovernance(p: Page) {
    await p.goto(system.url + '/#/governance');
    const card = p.locator(`article[data-proposal="${proposalId}"]`);
    await card.waitFor({ timeout: 30_000 });
    return card;
  }

  it('shows a driver their place in words, their own snapshot, "about me" and a ballot', async () => {
    const p = await signIn(runnerUp.email);
    await expect(p.locator('#nav .who').textContent()).resolves.toContain('(driver)');
    await openDecision(p);
    await expect(p.locator('p.plain').first().textContent()).resolves.toBe('You were 2nd of 2: 1 driver had a shorter pickup ETA.');
    await expect(p.getByText(/^Your own snapshot at the time/).count()).resolves.toBe(1);
    await expect(p.locator('#disclosure').count()).resolves.toBe(0);
    await p.goto(system.url + '/#/audit');
    await expect(p.getByLabel('Only decisions about me').isEnabled()).resolves.toBe(true);
    const card = await openGovernance(p);
    await expect(card.getByRole('button', { name: 'Cast vote' }).count()).resolves.toBe(1);
    await p.close();
  });

  it('shows a rider member the outcome from outside, no one\'s snapshot, and a ballot; "about me" is for drivers', async () => {
    const p = await signIn(rider.email);
    await openDecision(p);
    await expect(p.locator('p.plain').first().textContent()).resolves.toMatch(/^The offer went to m-[A-Za-z0-9_-]+, the best of 2 candidates; 0 drivers were left out\.$/);
    await expect(p.getByText(/^Your own snapshot/).count()).resolves.toBe(0);
    await expect(p.locator('#disclosure').count()).resolves.toBe(0);
    await p.goto(system.url + '/#/audit');
    await expect(p.getByLabel('Only decisions about me').isDisabled()).resolves.toBe(true);
    await expect(p.locator('#f-mine-hint').textContent()).resolves.toContain('drivers only');
    const card = await openGovernance(p);
    await expect(card.getByRole('button', { name: 'Cast vote' }).count()).resolves.toBe(1);
    await p.close();
  });

  it('shows the auditor (admin) the sealed full record and no ballot; the treasurer neither', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    await openDecision(admin);
    const sealed = admin.locator('#disclosure');
    await expect(sealed.locator('summary').textContent()).resolves.toBe('Auditor view: the full record sealed in this entry');
    await sealed.locator('summary').click();
    // The full record names members by their real ids, which the public form never shows.
    const [driverRow] = await system.sql<{ id: string }>('SELECT id FROM members WHERE email = $1', [runnerUp.email]);
    await expect(sealed.locator('pre').textContent()).resolves.toContain(driverRow.id);
    const adminCard = await openGovernance(admin);
    await expect(adminCard.getByText('Only rider and driver members vote.').count()).resolves.toBe(1);
    await expect(adminCard.getByRole('button', { name: 'Cast vote' }).count()).resolves.toBe(0);
    await admin.close();

    const p = await signIn(treasurer.email);
    await expect(p.locator('#nav .who').textContent()).resolves.toContain('(treasurer)');
    await openDecision(p);
    await expect(p.locator('#disclosure').count()).resolves.toBe(0);
    const card = await openGovernance(p);
    await expect(card.getByRole('button', { name: 'Cast vote' }).count()).resolves.toBe(0);
    await p.close();
  });

  it('filters the decision list by time range and pickup cell', async () => {
    const p = await signIn(rider.email);
    await p.goto(system.url + '/#/audit');
    const row = p.locator(`#decisions tr[data-index="${decisionIndex}"]`);
    await row.waitFor();

    await p.getByLabel('Pickup cell').fill(pickupCell);
    await expect(row.count()).resolves.toBe(1);
    await p.getByLabel('Pickup cell').fill('8f0000000000000');
    await expect(p.locator('#decisions tbody tr').count()).resolves.toBe(0);
    await expect(p.locator('#audit-count').textContent()).resolves.toMatch(/^0 of \d+ loaded entries shown/);
    await p.getByLabel('Pickup cell').fill('');

    // datetime-local takes the browser's local time; a range that ends before the decision hides it.
    const [recorded] = await system.sql<{ body: string }>('SELECT body FROM log_leaves WHERE index = $1', [decisionIndex]);
    const at = JSON.parse(recorded.body).record.nowMs as number;
    const local = (ms: number) => p.evaluate((t) => {
      const d = new Date(t);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }, ms);
    await p.getByLabel('To').fill(await local(at - 120_000));
    await expect(row.count()).resolves.toBe(0);
    await p.getByLabel('To').fill(await local(at + 120_000));
    await p.getByLabel('From').fill(await local(at - 120_000));
    await expect(row.count()).resolves.toBe(1);
    await p.getByLabel('From').fill(await local(at + 120_000));
    await expect(row.count()).resolves.toBe(0);
    await p.close();
  });

  it('works on a phone: every page fits the screen, passes axe-core\'s serious rules, and shows keyboard focus', async () => {
    const p = await browser.newPage({ viewport: PHONE });
    await p.goto(system.url + '/');
    await p.getByRole('heading', { name: 'Sign in' }).waitFor();
    const report: Record<string, unknown> = {};
    const check = async (name: string) => {
      report[name] = { overflow: await horizontalOverflow(p), violations: await seriousAccessibilityViolations(p) };
      await p.screenshot({ path: join(SCREENSHOTS, `phone-${name}.png`), fullPage: true });
    };
    await check('sign-in');

    // Keyboard: the form starts focused, Tab moves on with a visible focus ring.
    await p.keyboard.press('Tab');
    expect(await focusOf(p)).toMatchObject({ id: 'password', outline: 'solid' });

    await p.getByLabel('Email').fill(runnerUp.email);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.locator('svg.hexmap').waitFor({ timeout: 30_000 });
    await check('live');
    await p.goto(system.url + '/#/audit');
    await p.locator(`#decisions tr[data-index="${decisionIndex}"]`).waitFor();
    await check('audit');
    // From the top of a page, Tab reaches the skip link first; Enter moves focus to the content, on the same page.
    await p.evaluate(() => {
      // Start from the top of the document, as after a fresh load with nothing focused.
      document.body.tabIndex = -1;
      document.body.focus();
      document.body.removeAttribute('tabindex');
    });
    await p.keyboard.press('Tab');
    expect(await focusOf(p)).toMatchObject({ text: 'Skip to content', outline: 'solid', onScreen: true });
    await p.keyboard.press('Enter');
    expect(await focusOf(p)).toMatchObject({ id: 'main' });
    await expect(p.getByRole('heading', { name: 'Dispatch decisions' }).count()).resolves.toBe(1);
    await openDecision(p);
    await p.getByRole('button', { name: 'Verify in this browser' }).click();
    await p.locator('#verify-result [data-ok="true"]').waitFor({ timeout: 30_000 });
    await check('decision');
    await p.goto(system.url + '/#/fairness');
    await p.locator('#chart-offers svg.chart').waitFor({ timeout: 30_000 });
    await check('fairness');
    await openGovernance(p);
    await check('governance');

    // One assertion over all pages, so a failure lists every problem at once.
    expect(report).toEqual(Object.fromEntries(Object.keys(report).map((name) => [name, { overflow: 0, violations: [] }])));
    await p.close();
  });

  it('shows the fairness charts from the report\'s own figures', async () => {
    const report = (await system.http('GET', '/v1/audit/fairness', { token: await system.token(ADMIN.email, ADMIN.password) })).body as {
      drivers: { pseudonym: string; offers: number }[];
      offersGini: number;
    };
    const p = await signIn(rider.email);
    await p.goto(system.url + '/#/fairness');
    const offers = p.locator('#chart-offers');
    await offers.locator('svg.chart').waitFor({ timeout: 30_000 });
    // One bar per driver, and the table beside the chart gives each driver's offers.
    await expect(offers.locator('g.bar').count()).resolves.toBe(report.drivers.length);
    const rows = await offers.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows.sort()).toEqual(report.drivers.map((d) => [d.pseudonym, String(d.offers)]).sort());
    const gini = p.locator('#chart-gini');
    await expect(gini.locator('g.series[data-series="Offers"] circle').count()).resolves.toBe(1);
    await expect(gini.locator('tbody tr').last().locator('td').first().textContent()).resolves.toBe(report.offersGini.toFixed(2));
    await p.close();
  });
});
