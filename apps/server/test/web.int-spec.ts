import { join } from 'node:path';
import { latLngToCell } from 'h3-js';
import { io } from 'socket.io-client';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, CITY, TestSystem } from './system.harness';
import { SCREENSHOTS, buildWebPage, launchChromium } from './web-browser';

jest.setTimeout(180_000);

const PASSWORD = 'a-good-password';

/**
 * The members' page in a real browser (Debian's chromium) against the whole system: sign-in,
 * the live map following a driver, a decision explained and verified in the browser, and the
 * same verification failing once the stored leaf is tampered with.
 */
describe('members web page', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  let resolution: number;
  let decisionIndex: number;
  let runnerUp: { email: string };
  let admin: string;

  beforeAll(async () => {
    buildWebPage();
    system = await TestSystem.start();
    browser = await launchChromium();
    admin = await system.token(ADMIN.email, ADMIN.password);
    resolution = (await system.http('GET', '/v1/policy', { token: admin })).body.document.privacy.publicH3Resolution;

    // Two drivers near the pickup, one a little further: one decision with a winner and a runner-up.
    const near = await system.onlineDriver({ lat: CITY.lat + 0.001, lng: CITY.lng });
    const far = await system.onlineDriver({ lat: CITY.lat + 0.01, lng: CITY.lng + 0.01 });
    runnerUp = far;
    const { tripId } = await system.requestTrip();
    const offer = await system.pendingOffer(tripId);
    expect(offer.driverId).toBe(near.memberId);
    const [row] = await system.sql<{ index: string }>(`SELECT max(index) AS index FROM log_leaves WHERE kind = 'dispatch_decision'`);
    decisionIndex = Number(row.index);
    // The Verify button checks against the latest signed checkpoint: wait until it covers the decision.
    await system.until(async () => (await system.http('GET', '/v1/audit/checkpoint')).body?.treeSize > decisionIndex, 20_000);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function signIn(email: string, viewport = { width: 1200, height: 900 }): Promise<Page> {
    const p = await browser.newPage({ viewport });
    await p.goto(system.url + '/');
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByLabel('Password').press('Enter');
    await p.getByRole('heading', { name: 'Live map' }).waitFor();
    return p;
  }

  it('serves the page at / and signs a member in', async () => {
    const index = await system.http('GET', '/');
    expect(index.status).toBe(200);
    page = await signIn(runnerUp.email);
    await expect(page.locator('#nav .who').textContent()).resolves.toContain('(driver)');
  });

  it('admits only members to the live namespace, and shows them no member id', async () => {
    const anonymous = io(system.url + '/members', { transports: ['websocket'], reconnection: false });
    const refused = await new Promise<{ data?: { code?: string } }>((resolve) => anonymous.once('connect_error', resolve));
    expect(refused.data?.code).toBe('UNAUTHENTICATED');
    anonymous.close();

    const member = io(system.url + '/members', { auth: { token: admin }, transports: ['websocket'], reconnection: false });
    const snapshot = await new Promise<{ onlineDrivers: number; cells: unknown[] }>((resolve) => member.once('live:snapshot', resolve));
    member.close();
    expect(snapshot.onlineDrivers).toBe(2);
    const ids = await system.sql<{ id: string }>('SELECT id FROM members');
    for (const { id } of ids) expect(JSON.stringify(snapshot)).not.toContain(id);
  });

  it('refuses a wrong password with a message', async () => {
    const p = await browser.newPage();
    await p.goto(system.url + '/#/sign-in');
    await p.getByLabel('Email').fill(runnerUp.email);
    await p.getByLabel('Password').fill('not-the-password');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await expect(p.getByRole('alert').filter({ hasText: 'Wrong email or password' }).textContent()).resolves.toBeTruthy();
    await p.close();
  });

  it('shows the live map and follows a driver who moves', async () => {
    await page.goto(system.url + '/#/live');
    const cityCell = latLngToCell(CITY.lat + 0.001, CITY.lng, resolution);
    await page.locator(`svg.hexmap g[data-cell="${cityCell}"]`).waitFor();
    await expect(page.locator('#fig-online').textContent()).resolves.toBe('2');

    // A third driver comes online far away, then drives across town: the map follows.
    const start = { lat: CITY.lat - 0.1, lng: CITY.lng - 0.1 };
    const end = { lat: CITY.lat - 0.1, lng: CITY.lng + 0.1 };
    const mover = await system.onlineDriver(start);
    const startCell = latLngToCell(start.lat, start.lng, resolution);
    const endCell = latLngToCell(end.lat, end.lng, resolution);
    expect(endCell).not.toBe(startCell);
    await page.locator(`svg.hexmap g[data-cell="${startCell}"][data-free="1"]`).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'live-map.png') });

    expect(await mover.socket.call('driver:location', { ...end, at: new Date().toISOString() })).toEqual({ ok: true });
    await page.locator(`svg.hexmap g[data-cell="${endCell}"][data-free="1"]`).waitFor({ timeout: 15_000 });
    await page.locator(`svg.hexmap g[data-cell="${startCell}"][data-free="0"]`).waitFor({ timeout: 15_000 });
    await expect(page.locator(`#live-cells tr[data-cell="${endCell}"] td`).first().textContent()).resolves.toBe('1');
  });

  it('lists decisions, explains one in plain words, and verifies it in the browser', async () => {
    await page.goto(system.url + '/#/audit');
    const link = page.locator(`#decisions tr[data-index="${decisionIndex}"] a`);
    await link.waitFor();
    // The runner-up is named in the decision: "only decisions about me" keeps it.
    await page.getByLabel('Only decisions about me').check();
    await link.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-list.png') });
    await link.click();

    await expect(page.locator('p.plain').first().textContent()).resolves.toBe('You were 2nd of 2: 1 driver had a shorter pickup ETA.');
    await expect(page.locator('table.candidates tbody tr').count()).resolves.toBe(2);
    // Keyboard only: Tab reaches the Verify button and Enter presses it.
    for (let i = 0; i < 60 && (await page.evaluate(() => document.activeElement?.id)) !== 'verify'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('verify');
    await page.keyboard.press('Enter');
    const verdict = page.locator('#verify-result [data-ok]');
    await verdict.waitFor({ timeout: 20_000 });
    await expect(verdict.getAttribute('data-ok')).resolves.toBe('true');
    await expect(page.locator('#verify-result li.fail').count()).resolves.toBe(0);
    await expect(page.locator('#verify-result li.pass').count()).resolves.toBe(4);
    await page.screenshot({ path: join(SCREENSHOTS, 'decision-verified.png'), fullPage: true });
  });

  it('fails verification once the stored leaf has been tampered with', async () => {
    const [victim] = await system.sql<{ body: string }>('SELECT body FROM log_leaves WHERE index = $1', [decisionIndex]);
    const leaf = JSON.parse(victim.body);
    leaf.record.choice.score += 1;
    await system.sql('ALTER TABLE log_leaves DISABLE TRIGGER log_leaves_append_only');
    try {
      await system.sql('UPDATE log_leaves SET body = $2 WHERE index = $1', [decisionIndex, JSON.stringify(leaf)]);
    } finally {
      await system.sql('ALTER TABLE log_leaves ENABLE TRIGGER log_leaves_append_only');
    }

    await page.reload();
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    const verdict = page.locator('#verify-result [data-ok]');
    await verdict.waitFor({ timeout: 20_000 });
    await expect(verdict.getAttribute('data-ok')).resolves.toBe('false');
    const failed = await page.locator('#verify-result li.fail').allTextContents();
    expect(failed).toEqual([expect.stringContaining('Leaf hash'), expect.stringContaining('Inclusion proof')]);
    await page.screenshot({ path: join(SCREENSHOTS, 'decision-tampered.png'), fullPage: true });

    await system.sql('ALTER TABLE log_leaves DISABLE TRIGGER log_leaves_append_only');
    try {
      await system.sql('UPDATE log_leaves SET body = $2 WHERE index = $1', [decisionIndex, victim.body]);
    } finally {
      await system.sql('ALTER TABLE log_leaves ENABLE TRIGGER log_leaves_append_only');
    }
  });

  it('casts a vote on an open proposal and shows the diff', async () => {
    const proposer = await system.member('rider');
    const proposed = await system.http('POST', '/v1/governance/proposals', {
      token: proposer.token,
      body: { title: 'Give drivers 45 s to answer', rationale: 'Drivers on bikes need longer.', patch: { matching: { offerTimeoutSeconds: 45 } } },
    });
    expect(proposed.status).toBe(201);
    const id = proposed.body.id as string;

    await page.goto(system.url + '/#/governance');
    const card = page.locator(`article[data-proposal="${id}"]`);
    await card.waitFor();
    await expect(card.locator('table.diff tbody tr').first().textContent()).resolves.toBe('matching.offerTimeoutSeconds2045');
    await expect(card.locator('.ballot-status').textContent()).resolves.toBe('You have not voted yet.');
    await card.getByLabel('Yes').check();
    await card.getByRole('button', { name: 'Cast vote' }).click();
    await card.locator('.ballot-status', { hasText: 'Vote recorded: yes' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'governance-vote.png'), fullPage: true });
    const ballots = await system.sql<{ choice: string }>('SELECT choice FROM governance_ballots WHERE proposal_id = $1', [id]);
    expect(ballots).toEqual([{ choice: 'yes' }]);

    // The page shows the ballot on the next visit, and the vote can be changed.
    await page.reload();
    await expect(card.locator('.ballot-status').textContent()).resolves.toMatch(/^Your vote: yes \(receipt /);
    await card.getByLabel('No').check();
    await card.getByRole('button', { name: 'Cast vote' }).click();
    await card.locator('.ballot-status', { hasText: 'Vote recorded: no' }).waitFor();
    expect(await system.sql('SELECT choice FROM governance_ballots WHERE proposal_id = $1', [id])).toEqual([{ choice: 'no' }]);
  });

  it('shows the fairness report and the policy in force, on a phone-sized screen too', async () => {
    await page.goto(system.url + '/#/fairness');
    await page.getByRole('heading', { name: /^Fairness, period/ }).waitFor();
    await expect(page.locator('#fair-decisions').textContent()).resolves.toMatch(/^[1-9]\d*$/);
    await page.locator('svg.chart').first().waitFor();
    // The one trip of this system, from the trips table (reported, not verifiable).
    await expect(page.locator('#outcomes dd').first().textContent()).resolves.toBe('1');
    await page.screenshot({ path: join(SCREENSHOTS, 'fairness.png'), fullPage: true });

    await page.goto(system.url + '/#/governance');
    const policy = await system.http('GET', '/v1/policy', { token: admin });
    await expect(page.locator('#policy-hash').textContent()).resolves.toBe(policy.body.hash);

    const phone = await signIn(runnerUp.email, { width: 390, height: 844 });
    await phone.locator('svg.hexmap').waitFor();
    // Nothing wider than the screen: the page does not scroll sideways on a phone.
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(SCREENSHOTS, 'phone-live.png'), fullPage: true });
    await phone.close();
  });

  /** The checkpoint this browser remembers (localStorage, per log origin and key ID). */
  async function seenCheckpoint(p: Page): Promise<{ treeSize: number; rootHash: string; key: string }> {
    return p.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('coop.seen-checkpoint.v1:'));
      if (!key) throw new Error('no remembered checkpoint');
      return { ...JSON.parse(localStorage.getItem(key)!), key };
    });
  }

  /**
   * Appends one more entry and waits until a signed checkpoint covers it: a policy version put in
   * force is logged by the checkpoint job itself, so this does not depend on drivers and trips.
   */
  async function growLog(): Promise<number> {
    const before = (await system.http('GET', '/v1/audit/checkpoint')).body.treeSize as number;
    await system.useMatchingPolicy({});
    await system.until(async () => (await system.http('GET', '/v1/audit/checkpoint')).body.treeSize > before, 30_000, 200);
    return (await system.http('GET', '/v1/audit/checkpoint')).body.treeSize;
  }

  it('remembers the checkpoint it verified and, on the next visit, proves the log only grew from it', async () => {
    await page.goto(system.url + '/#/audit');
    await page.locator('#log-check .log-ok[data-status]').waitFor();
    const seen = await seenCheckpoint(page);
    expect(seen.treeSize).toBeGreaterThan(decisionIndex);

    const grown = await growLog();
    await page.reload();
    const ok = page.locator('#log-check [data-status="consistent"]');
    await ok.waitFor({ timeout: 20_000 });
    await expect(ok.textContent()).resolves.toBe(`✓ Signed log checked: ${grown} entries, consistent with the checkpoint you saw at size ${seen.treeSize}.`);
    await expect(seenCheckpoint(page)).resolves.toMatchObject({ treeSize: grown });

    // The Verify button runs the same check as one of its steps.
    await page.goto(system.url + `/#/audit/${decisionIndex}`);
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await page.locator('#verify-result [data-ok="true"]').waitFor({ timeout: 20_000 });
    await expect(page.locator('#verify-result li.pass', { hasText: 'Log only grew' }).textContent()).resolves.toContain(`consistent with the checkpoint you saw at size ${grown}`);
  });

  it('warns when the root it remembers is not the one the log proves (a forged memory, as if history had changed)', async () => {
    const seen = await seenCheckpoint(page);
    const forged = Buffer.alloc(32, 7).toString('base64');
    await page.evaluate(([key, root]) => {
      const stored = JSON.parse(localStorage.getItem(key)!);
      localStorage.setItem(key, JSON.stringify({ ...stored, rootHash: root }));
    }, [seen.key, forged] as const);
    await growLog();
    await page.reload();
    const alarm = page.locator('#log-alarm');
    await alarm.waitFor({ timeout: 20_000 });
    await expect(alarm.getByRole('heading').textContent()).resolves.toContain('rewrote its history');
    await expect(alarm.textContent()).resolves.toContain(`a signed checkpoint of ${seen.treeSize} entries (root ${forged})`);
    // The memory is kept as it was, so the warning stays until someone looks into it.
    await expect(seenCheckpoint(page)).resolves.toMatchObject({ treeSize: seen.treeSize, rootHash: forged });
    await page.screenshot({ path: join(SCREENSHOTS, 'log-rewritten.png'), fullPage: true });
    await page.evaluate(([key, root]) => {
      const stored = JSON.parse(localStorage.getItem(key)!);
      localStorage.setItem(key, JSON.stringify({ ...stored, rootHash: root }));
    }, [seen.key, seen.rootHash] as const);
  });

  it('warns when a stored node was changed, so the log cannot prove the entries the member saw', async () => {
    await page.reload();
    await page.locator('#log-check [data-status="consistent"]').waitFor({ timeout: 20_000 });
    const seen = await seenCheckpoint(page);
    // A node the proof from the remembered size uses. Not one on the log's right edge: appends
    // read those, and would build the changed hash into new nodes (a node off the edge of size
    // n is off the edge of every larger size). Growing the log changes the proof until one fits.
    let grown = 0;
    let node: { level: number; index: string; hash: Buffer } | undefined;
    for (let attempt = 0; attempt < 4 && !node; attempt++) {
      grown = await growLog();
      const { proof } = (await system.http('GET', `/v1/audit/consistency?from=${seen.treeSize}&to=${grown}`)).body as { proof: string[] };
      [node] = await system.sql<{ level: number; index: string; hash: Buffer }>(
        `SELECT n.level, n.index, n.hash FROM log_nodes n, log_head h
          WHERE n.hash = ANY($1::bytea[]) AND NOT ((h.size >> n.level) & 1 = 1 AND n.index = (h.size >> n.level) - 1)
          ORDER BY n.level DESC LIMIT 1`,
        [proof.map((p) => Buffer.from(p, 'base64'))],
      );
    }
    if (!node) throw new Error('no stored node of the consistency proof is off the right edge');
    const forged = Buffer.from(node.hash);
    forged[0] ^= 1;
    const { level, index } = node;
    const setNode = async (hash: Buffer) => {
      await system.sql('ALTER TABLE log_nodes DISABLE TRIGGER log_nodes_append_only');
      try {
        await system.sql('UPDATE log_nodes SET hash = $3 WHERE level = $1 AND index = $2', [level, index, hash]);
      } finally {
        await system.sql('ALTER TABLE log_nodes ENABLE TRIGGER log_nodes_append_only');
      }
    };
    await setNode(forged);
    try {
      await page.reload();
      const alarm = page.locator('#log-alarm');
      await alarm.waitFor({ timeout: 20_000 });
      await expect(alarm.textContent()).resolves.toMatch(new RegExp(`the consistency proof from ${seen.treeSize} to \\d+ entries fails`));
      await expect(seenCheckpoint(page)).resolves.toMatchObject({ treeSize: seen.treeSize });
    } finally {
      await setNode(node.hash);
    }
    await page.reload();
    await page.locator('#log-check [data-status="consistent"]').waitFor({ timeout: 20_000 });
  });
});
