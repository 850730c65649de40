/**
 * Curation, organizations, authorship and "For you" in a real browser
 * (Debian's Chromium through playwright-core), without JavaScript — every
 * form is a plain post: an admin hides a paper from its page (gone from the
 * daily list) and shows it again from /admin/papers; a user follows an
 * organization and sees its papers marked on the daily list, claims an
 * author name, and an admin approves it (the name links to the profile);
 * "For you" heads the home page after an upvote. Every new page is
 * screenshot at 1280 and 360 px wide and checked for sideways scrolling.
 *
 * Without /usr/bin/chromium the test is skipped with the reason printed,
 * unless PAPERBOY_REQUIRE_ALL=1 (CI), where a missing browser fails.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openTestApp, TEST_SCRYPT, type TestApp } from '../helpers/test-app.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { FIXTURES_DIR } from '../helpers/fixture-server.js';
import { fixtureRecords, LATEST_DAY, NOW } from '../web/pages/site-fixture.js';
import { hashPassword } from '../../src/accounts/passwords.js';

const CHROMIUM = process.env.PAPERBOY_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const missing = existsSync(CHROMIUM) ? null : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;
if (missing && process.env.PAPERBOY_REQUIRE_ALL === '1') {
  throw new Error(`${missing}; PAPERBOY_REQUIRE_ALL=1 requires the browser test to run.`);
}
if (missing) console.log(`# skipping browser tests: ${missing}`);

const SHOTS = process.env.PAPERBOY_SCREENSHOTS ?? join(dirname(dirname(FIXTURES_DIR)), 'dist', 'screenshots');
const PASSWORD = 'a browser password';

let site: TestApp;
let cleanup: () => void;
let browser: Browser;
let base: string;

before(async () => {
  if (missing) return;
  mkdirSync(SHOTS, { recursive: true });
  const db = tempDbPath();
  cleanup = db.cleanup;
  site = await openTestApp(db.file, { records: fixtureRecords(), env: { PAPERBOY_SECRET: 'browser-curation-secret' }, now: () => NOW });
  for (const [username, role] of [['root', 'admin'], ['ada', 'user']] as const) {
    await site.backend.accounts.createUser({
      username, email: `${username}@example.org`, passwordHash: await hashPassword(PASSWORD, TEST_SCRYPT), role, emailVerified: true, now: NOW,
    });
  }
  await site.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(site.app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
  if (missing) return;
  await browser?.close();
  await site?.close();
  cleanup?.();
});

async function logIn(username: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.fill('#li-login', username);
  await page.fill('#li-password', PASSWORD);
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForURL(base + '/');
  return { ctx, page };
}

/** Screenshots the current page at 1280 and 360 px and checks it never scrolls sideways. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 900 });
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as number;
    assert.ok(overflow <= 1, `${name} at ${width} px scrolls sideways by ${overflow} px`);
    await page.screenshot({ path: join(SHOTS, `paperboy-curation-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const cardCount = (page: Page, title: string) => page.locator('li.card', { hasText: title }).count();

test('an admin hides a paper from its page and shows it again from /admin/papers (no JavaScript)', { skip: missing ?? false }, async () => {
  const { ctx, page } = await logIn('root');
  await page.goto(base + '/papers/2405.00003');
  await page.click('details.tool summary >> text=Admin: curate');
  await shoot(page, 'paper-admin');
  await page.fill('#hide-reason', 'duplicate of another paper');
  await page.click('form[action$="/hide"] button[type=submit]');
  await page.waitForURL(base + '/admin/papers');
  await shoot(page, 'admin-papers');
  await page.goto(base + `/papers/date/${LATEST_DAY}`);
  assert.equal(await cardCount(page, 'Diffusion Models Without Names'), 0);
  await page.goto(base + '/admin/papers');
  await page.click('form[action="/admin/papers/unhide"] button[type=submit]');
  await page.waitForURL(/\/papers\/2405\.00003$/);
  await page.goto(base + `/papers/date/${LATEST_DAY}`);
  assert.equal(await cardCount(page, 'Diffusion Models Without Names'), 1);
  await page.goto(base + '/moderation/log');
  await shoot(page, 'moderation-log');
  await ctx.close();
});

test('a user follows an organization (marked on the daily list), claims an author name, an admin approves it; For you on the home page', { skip: missing ?? false }, async () => {
  const ada = await logIn('ada');
  await ada.page.goto(base + '/orgs/ByteDance');
  await ada.page.click('form[action="/orgs/ByteDance/follow"] button');
  await ada.page.waitForURL(base + '/orgs/ByteDance');
  await shoot(ada.page, 'org');
  await ada.page.goto(base + `/papers/date/${LATEST_DAY}`);
  assert.equal(await ada.page.locator('li.card.followed', { hasText: 'Sparse Attention Transformers' }).count(), 1);
  await shoot(ada.page, 'list-following');

  await ada.page.goto(base + '/papers/2405.00001');
  await ada.page.click('details.tool summary >> text=I am an author of this paper');
  await ada.page.selectOption('#claim-author', 'Ada Lovelace');
  await shoot(ada.page, 'paper-user');
  await ada.page.click('form[action$="/claim"] button[type=submit]');
  assert.equal(((await ada.page.locator('h1').textContent()) ?? '').trim(), 'Claim sent');

  const root = await logIn('root');
  await root.page.goto(base + '/admin/claims');
  await shoot(root.page, 'admin-claims');
  await root.page.click('form[action$="/approve"] button');
  await root.page.goto(base + '/orgs');
  await shoot(root.page, 'orgs');
  await root.page.goto(base + '/papers/2405.00001');
  assert.equal(((await root.page.locator('a.claimed-author').textContent()) ?? '').trim(), 'Ada Lovelace');
  await root.page.goto(base + '/users/ada');
  assert.equal(await root.page.locator('#authored-h + ul a', { hasText: 'Sparse Attention Transformers' }).count(), 1);
  await shoot(root.page, 'profile');
  await root.ctx.close();

  // An upvote, and the home page has a For you box (its answer is cached per user: a fresh start).
  await ada.page.goto(base + '/papers/2404.00009');
  await ada.page.click('form.upvote.big button');
  await ada.page.goto(base + '/');
  assert.equal(await ada.page.locator('section.for-you h2').count(), 1);
  await shoot(ada.page, 'home-for-you');
  await ada.ctx.close();
});
