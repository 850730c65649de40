/**
 * The community in a real browser (Debian's Chromium through playwright-core)
 * against the app on 127.0.0.1, with a real SMTP server for the mails and a
 * local fixture server playing arXiv: sign up, open the verification mail
 * and follow its link, log in, submit a paper (arXiv answers from the
 * fixture), upvote it in place (the script), comment, see the counts change
 * on the paper page and the daily list, check no Content-Security-Policy
 * violation happened, log out. Then the same upvote without JavaScript (a
 * plain form post). Screenshots go next to the site test's.
 *
 * Without /usr/bin/chromium the test is skipped with the reason printed,
 * unless PAPERBOY_REQUIRE_ALL=1 (CI), where a missing browser fails.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openTestApp, type TestApp } from '../helpers/test-app.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { FIXTURES_DIR, startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { startSmtpSink, type SmtpSink } from '../digest/smtp-sink.js';
import { fixtureRecords } from '../web/pages/site-fixture.js';

const CHROMIUM = process.env.PAPERBOY_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const missing = existsSync(CHROMIUM) ? null : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;
if (missing && process.env.PAPERBOY_REQUIRE_ALL === '1') {
  throw new Error(`${missing}; PAPERBOY_REQUIRE_ALL=1 requires the browser test to run.`);
}
if (missing) console.log(`# skipping browser tests: ${missing}`);

const SHOTS = process.env.PAPERBOY_SCREENSHOTS ?? join(dirname(dirname(FIXTURES_DIR)), 'dist', 'screenshots');
const shot = (name: string) => join(SHOTS, `paperboy-community-${name}.png`);
/** The links in mails point here (PUBLIC_URL); the test opens their path on the real port. */
const PUBLIC = 'http://papers.test';
const NEW_PAPER = '2606.01234';

/** The arXiv API's answer for the new paper, first published yesterday (so the 14-day rule passes on any day). */
function atomFor(id: string): string {
  const published = new Date(Date.now() - 86_400_000).toISOString().slice(0, 19) + 'Z';
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>http://arxiv.org/api/fixture</id><title>ArXiv Query: id_list=${id}</title><updated>${published}</updated>
  <entry>
    <id>http://arxiv.org/abs/${id}v1</id><updated>${published}</updated><published>${published}</published>
    <title>Browsers Upvote Papers Too</title>
    <summary>A fixture paper submitted through a real browser in paperboy's tests.</summary>
    <author><name>Ada Lovelace</name></author>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.HC" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.HC" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>`;
}

let sink: SmtpSink;
let arxiv: FixtureServer;
let site: TestApp;
let cleanup: () => void;
let browser: Browser;
let base: string;

before(async () => {
  if (missing) return;
  mkdirSync(SHOTS, { recursive: true });
  sink = await startSmtpSink();
  arxiv = await startFixtureServer((req) => (req.query.get('id_list') === NEW_PAPER
    ? { body: atomFor(NEW_PAPER), headers: { 'content-type': 'application/atom+xml' } }
    : { status: 200, body: '<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id></feed>', headers: { 'content-type': 'application/atom+xml' } }));
  const db = tempDbPath();
  cleanup = db.cleanup;
  site = await openTestApp(db.file, {
    records: fixtureRecords(),
    env: { SMTP_URL: sink.url, PUBLIC_URL: PUBLIC, PAPERBOY_SECRET: 'browser-community-secret', ARXIV_API_URL: `${arxiv.url}/api/query` },
    arxivFetch: { minDelayMs: 0, maxAttempts: 1 },
  });
  await site.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(site.app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
  if (missing) return;
  await browser?.close();
  await site?.close();
  cleanup?.();
  await arxiv?.close();
  await sink?.close();
});

/** Watches a page for Content-Security-Policy violations (console and DOM event). */
async function cspWatch(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`); });
  await page.addInitScript('document.addEventListener("securitypolicyviolation", (e) => console.log("Content Security Policy violation: " + e.violatedDirective + " " + e.blockedURI));');
  return violations;
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();

test('sign up → verification mail → log in → submit → upvote in place → comment → counts on the list → log out', { skip: missing ?? false }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const violations = await cspWatch(page);

  // Sign up.
  await page.goto(base + '/');
  await page.click('nav.account-nav >> text=Sign up');
  await page.waitForURL(/\/signup$/);
  await page.fill('#su-username', 'grace');
  await page.fill('#su-email', 'grace@example.org');
  await page.fill('#su-password', 'a compiler of her own');
  await page.click('form[action="/signup"] button[type=submit]');
  assert.equal(await text(page, 'h1'), 'Check your inbox');

  // The verification mail, from the SMTP server; its link, opened in the browser.
  await sink.waitUntil(() => sink.to('grace@example.org').length > 0);
  const mail = sink.to('grace@example.org')[0];
  assert.equal(mail.subject, 'Verify your paperboy address');
  const link = new URL(/https?:\/\/\S+\/verify\?token=\S+/.exec(mail.text ?? '')![0]);
  assert.equal(link.origin, PUBLIC);
  await page.goto(base + link.pathname + link.search);
  assert.equal(await text(page, 'h1'), 'Address verified');

  // Log in.
  await page.click('main >> text=Log in');
  await page.fill('#li-login', 'grace');
  await page.fill('#li-password', 'a compiler of her own');
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForURL(base + '/');
  assert.equal(await text(page, 'nav.account-nav a[href="/settings"]'), 'grace');

  // Submit a paper; arXiv (the fixture server) answers; preview, then add.
  await page.click('nav.account-nav >> text=Submit');
  await page.fill('#submit-paper', `https://arxiv.org/abs/${NEW_PAPER}`);
  await page.click('form[action="/submit"] button[type=submit]');
  assert.match(await text(page, 'article.preview h2'), /Browsers Upvote Papers Too/);
  await page.screenshot({ path: shot('preview'), fullPage: true });
  await page.click('form[action="/submit/confirm"] button[type=submit]');
  await page.waitForURL(new RegExp(`/papers/${NEW_PAPER.replace('.', '\\.')}$`));
  assert.equal(await text(page, 'h1'), 'Browsers Upvote Papers Too');

  // Upvote in place: the script sends the form and updates the button, no navigation.
  const vote = page.locator('form.upvote.big button');
  assert.equal(await vote.getAttribute('aria-pressed'), 'false');
  assert.equal(await text(page, 'form.upvote.big .count'), '0');
  const url = page.url();
  await vote.click();
  await page.waitForSelector('form.upvote.big button[aria-pressed="true"]');
  assert.equal(await text(page, 'form.upvote.big .count'), '1');
  assert.equal(page.url(), url, 'no page load');
  await page.reload();
  assert.equal(await text(page, 'form.upvote.big .count'), '1', 'the server counted it');
  assert.equal(await page.locator('form.upvote.big button').getAttribute('aria-pressed'), 'true');

  // Comment (Markdown), then reply to it.
  await page.fill('#new-comment-body', 'Submitted from **Chromium**: <script>alert(1)</script>');
  await page.click('form.comment-form button[type=submit] >> text=Comment');
  await page.waitForSelector('li.comment strong:has-text("Chromium")');
  assert.match(await text(page, '#comments-h'), /1 comment/);
  assert.match(await text(page, 'li.comment .comment-body'), /<script>alert\(1\)<\/script>/, 'hostile text shown as text');
  await page.click('li.comment details.comment-action summary >> text=Reply');
  await page.fill('li.comment textarea[id^="reply-"]', 'And a reply.');
  await page.click('li.comment details[open] button[type=submit]');
  await page.waitForSelector('ol.comments ol.comments li.comment');
  assert.match(await text(page, '#comments-h'), /2 comments/);
  await page.screenshot({ path: shot('paper'), fullPage: true });

  // The daily list shows the new paper with its upvote and comments.
  await page.click('nav.site-nav >> text=Daily');
  await page.goto(base + `/papers/date/${new Date().toISOString().slice(0, 10)}`);
  const card = page.locator('li.card', { hasText: 'Browsers Upvote Papers Too' });
  assert.equal(((await card.locator('.votes .count').textContent()) ?? '').trim(), '1');
  assert.match((await card.locator('.meta').textContent()) ?? '', /2 comments/);
  assert.match((await card.locator('.meta').textContent()) ?? '', /Submitted by grace/);
  await page.screenshot({ path: shot('list'), fullPage: true });

  // Log out through the header.
  await page.click('nav.account-nav >> text=Log out');
  await page.click('form[action="/logout"] button[type=submit]');
  await page.waitForURL(base + '/');
  assert.equal(await page.locator('nav.account-nav >> text=Log in').count(), 1);
  const after = page.locator('li.card', { hasText: 'Browsers Upvote Papers Too' });
  assert.equal(await after.locator('form.upvote').count(), 0, 'visitors get a log-in link, not a vote form');

  assert.deepEqual(violations, []);
  await ctx.close();
});

test('without JavaScript the upvote is a plain form post that comes back to the page', { skip: missing ?? false }, async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.fill('#li-login', 'grace');
  await page.fill('#li-password', 'a compiler of her own');
  await page.click('form[action="/login"] button[type=submit]');
  await page.goto(base + '/papers/2405.00001');
  const before = Number(await text(page, 'form.upvote.big .count'));
  await page.click('form.upvote.big button');
  await page.waitForURL(/\/papers\/2405\.00001$/);
  assert.equal(Number(await text(page, 'form.upvote.big .count')), before + 1);
  assert.equal(await page.locator('form.upvote.big button').getAttribute('aria-pressed'), 'true');
  await ctx.close();
});
