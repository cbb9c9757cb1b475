import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CheckpointJob } from '../../dispatch/src/audit/checkpoint.job';
import { PayoutJournal } from '../../payouts/src/payouts/payout.ports';
import { TestSystem } from './system.harness';
import { SCREENSHOTS, buildWebPage, launchChromium } from './web-browser';

jest.setTimeout(180_000);

const PASSWORD = 'a-good-password';

/**
 * The simulation report on the members' governance page, in Debian's chromium against the
 * whole system: a proposal's card shows the report as pending, then the side-by-side table
 * once the background job has stored it; a payout-only change says "not affected"; the table
 * stays inside the screen of a phone. And the year's dividend allocation, once logged, opens in
 * the audit explorer and verifies in the browser like any entry.
 */
describe('members web page: proposal simulation reports', () => {
  let system: TestSystem;
  let browser: Browser;
  let member: { memberId: string; email: string; token: string };

  beforeAll(async () => {
    buildWebPage();
    system = await TestSystem.start();
    browser = await launchChromium();
    member = await system.member('rider');
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function signIn(viewport = { width: 1200, height: 900 }): Promise<Page> {
    const p = await browser.newPage({ viewport });
    await p.goto(system.url + '/');
    await p.getByLabel('Email').fill(member.email);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByLabel('Password').press('Enter');
    await p.getByRole('heading', { name: 'Live map' }).waitFor();
    return p;
  }

  const propose = async (title: string, patch: object): Promise<string> => {
    const res = await system.http('POST', '/v1/governance/proposals', { token: member.token, body: { title, patch } });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  it('opens a proposal and sees its simulation report: both policies side by side with the change', async () => {
    const id = await propose('Weigh fairness more', { matching: { weights: { fairness: 40 } } });
    const page = await signIn();
    await page.goto(system.url + '/#/governance');
    const card = page.locator(`article[data-proposal="${id}"]`);
    const report = card.locator('section.simulation-report');
    await report.waitFor();
    // The page asks again while the job runs; it turns ready without a reload.
    await card.locator('section[data-simulation="ready"]').waitFor({ timeout: 90_000 });

    const table = card.getByRole('table', { name: /^Simulated: 120 drivers, \d+ requests over 1 h in a 12 km city/ });
    await table.waitFor();
    const header = await table.locator('thead th').allTextContents();
    expect(header).toEqual(['Figure', 'In force (v1)', 'Proposed', 'Change']);
    const wait = table.getByRole('row', { name: /Rider wait, median/ });
    const cells = await wait.locator('th, td').allTextContents();
    expect(cells[0]).toBe('Rider wait, median');
    expect(cells[1]).toMatch(/^\d+ s$/);
    expect(cells[2]).toMatch(/^\d+ s$/);
    expect(cells[3]).toMatch(/^([+−]\d+ s|no change)$/);

    // The figures are the API's, as served.
    const sim = (await system.http('GET', `/v1/governance/proposals/${id}/simulation`, { token: member.token })).body;
    expect(cells[1]).toBe(`${Math.round(sim.report.inForce.figures.waitP50S)} s`);
    expect(await table.getByRole('row', { name: /Requests served/ }).locator('td').first().textContent()).toBe(
      `${sim.report.inForce.figures.served} of ${sim.report.inForce.figures.requests}`,
    );
    await expect(report.getByRole('status').textContent()).resolves.toMatch(/^Ready: /);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'governance-simulation.png'), fullPage: true });
    await page.close();
  });

  it('a payout-only proposal says "not affected", and the report fits a phone screen', async () => {
    const id = await propose('Pay monthly', { payouts: { schedule: 'monthly', day: 1 } });
    await system.until(async () => (await system.http('GET', `/v1/governance/proposals/${id}/simulation`, { token: member.token })).body.status === 'ready', 90_000);
    const phone = await signIn({ width: 390, height: 844 });
    await phone.goto(system.url + '/#/governance');
    const card = phone.locator(`article[data-proposal="${id}"]`);
    await card.locator('section[data-simulation="ready"]').waitFor();
    await expect(card.locator('section.simulation-report').getByRole('status').textContent()).resolves.toMatch(/^Not affected: /);
    const changes = await card.locator('table.simulation tbody td:last-child').allTextContents();
    expect(changes.length).toBeGreaterThan(5);
    expect(new Set(changes)).toEqual(new Set(['no change']));

    // The page does not scroll sideways; a wide table scrolls inside its own box.
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await card.locator('table.simulation').scrollIntoViewIfNeeded();
    await phone.screenshot({ path: join(SCREENSHOTS, 'phone-governance-simulation.png') });
    await phone.close();
  });

  it('the dividend allocation leaf opens in the audit explorer and verifies in the browser', async () => {
    const [driver, treasurer] = [await system.member('driver'), await system.treasurer()];
    await system.nest.get(PayoutJournal).post({
      id: `trip:${randomUUID()}:completed`,
      kind: 'trip.completed',
      metadata: { tripId: randomUUID() },
      postings: [
        { accountId: `rider:${member.memberId}:receivable`, amount: { amount: 1500n, currency: 'CAD' } },
        { accountId: `driver:${driver.memberId}:payable`, amount: { amount: -1350n, currency: 'CAD' } },
        { accountId: 'coop:commission', amount: { amount: -150n, currency: 'CAD' } },
      ],
    });
    const year = new Date().getUTCFullYear();
    expect((await system.http('POST', `/v1/dividends/periods/${year}/close`, { token: treasurer.token })).body.status).toBe('closed');
    await system.nest.get(CheckpointJob).tick();
    const [leaf] = await system.sql<{ index: string }>(`SELECT index FROM log_leaves WHERE kind = 'dividend_allocation'`);
    await system.until(async () => (await system.http('GET', '/v1/audit/checkpoint')).body?.treeSize > Number(leaf.index), 20_000);

    const page = await signIn();
    await page.goto(`${system.url}/#/audit/${leaf.index}`);
    await page.getByRole('heading', { name: `Entry #${leaf.index}: Dividends for ${year}` }).waitFor();
    const document = page.locator('details', { hasText: 'The logged document' });
    await document.waitFor();
    await document.locator('summary').click();
    await expect(document.locator('pre').textContent()).resolves.toContain('"kind": "dividend_allocation"');
    await page.locator('#verify').click();
    const verdict = page.locator('#verify-result [data-ok]');
    await verdict.waitFor({ timeout: 20_000 });
    await expect(verdict.getAttribute('data-ok')).resolves.toBe('true');
    await page.screenshot({ path: join(SCREENSHOTS, 'dividend-leaf-verified.png'), fullPage: true });
    await page.close();
  });
});
