// Browser test of the reference page (run by .ci/browser.sh, which starts the API with demo
// data and serves the built page on another origin). Debian's Chromium, driven by
// playwright-core. Environment: PAGE_URL (the page), API_URL (for the report only),
// CHROMIUM (default /usr/bin/chromium), ARTIFACTS (default ../artifacts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const PAGE_URL = process.env.PAGE_URL;
const ARTIFACTS = process.env.ARTIFACTS ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
const PASSWORD = 'demo-password';
const AGENT = 'desk@nordic-erp.example';
const CUSTOMER = 'key@mueller.example';
// Every wait is bounded: a step that does not happen in time fails the test.
const STEP = 20_000;

let browser;
const problems = [];
const pages = new Map();

before(async () => {
  assert.ok(PAGE_URL, 'PAGE_URL must name the served reference page');
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
});

after(async () => {
  await browser?.close();
});

// newPage opens the page in a fresh browser context (its own storage: another user) and
// records page errors and failed requests, which fail the test at the end.
async function newPage(name) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  context.setDefaultTimeout(STEP);
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`${name}: page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${name}: console error: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${name}: HTTP ${res.status()} for ${res.url()}`);
  });
  page.on('requestfailed', (req) => problems.push(`${name}: request failed: ${req.url()} ${req.failure()?.errorText}`));
  pages.set(name, page);
  await page.goto(PAGE_URL);
  return page;
}

async function login(page, email) {
  await page.locator('#login input[name=email]').fill(email);
  await page.locator('#login input[name=password]').fill(PASSWORD);
  await page.locator('#login button[type=submit]').click();
  await page.locator('#who').waitFor();
}

// On a failure, a screenshot of every open page (failure-<name>.png) shows where it stopped.
async function screenshotOnFailure(body) {
  try {
    await body();
  } catch (err) {
    for (const [name, page] of pages) {
      await page.screenshot({ path: join(ARTIFACTS, `failure-${name}.png`), fullPage: true }).catch(() => {});
    }
    throw err;
  }
}

test('a ticket created by the customer appears live in the agent queue; internal comments never reach the customer', { timeout: 120_000 }, () => screenshotOnFailure(async () => {
  const stamp = Date.now().toString(36);
  const title = `Browser test ${stamp}: goods receipt posting hangs`;
  const internalText = `Internal note ${stamp}: suspect the batch job, do not tell the customer yet`;
  const publicText = `Public answer ${stamp}: we are analysing the goods receipt posting`;

  // The agent signs in and sees the queue with SLA states, the subscription running.
  const agent = await newPage('agent');
  await login(agent, AGENT);
  assert.equal(await agent.locator('#who').getAttribute('data-role'), 'SERVICE_DESK');
  await agent.locator('#live-status[data-state=live]').waitFor();
  const demoRows = agent.locator('#queue tbody tr[data-number]');
  await demoRows.first().waitFor();
  assert.ok((await demoRows.count()) >= 1, 'the demo queue is not empty');
  assert.match(await demoRows.first().locator('td.sla').getAttribute('data-sla-resolution'), /^(ON_TRACK|AT_RISK|BREACHED|MET)$/);
  assert.equal(await agent.locator(`#queue tr:has-text("${title}")`).count(), 0);
  // A marker in the page's window: gone if the page reloads.
  await agent.evaluate(() => {
    window.__noReload = true;
  });

  // The customer, in a second browser context, creates an incident with its mandatory fields.
  const customer = await newPage('customer');
  await login(customer, CUSTOMER);
  assert.equal(await customer.locator('#who').getAttribute('data-role'), 'KEY_USER');
  await customer.locator('#my-tickets tbody tr').first().waitFor();
  await customer.locator('#nav-new').click();
  const form = customer.locator('#new-incident');
  await form.locator('[name=title]').fill(title);
  await form.locator('[name=priority]').selectOption('P2');
  // A module of blanks passes the browser's `required` but not the API: VALIDATION names it.
  await form.locator('[name=module]').fill('   ');
  await form.locator('[name=softwareVersion]').fill('7.2.1');
  await form.locator('[name=environment]').selectOption('LIVE');
  await form.locator('[name=impact]').fill('Goods receipts cannot be posted; the warehouse is blocked.');
  await form.locator('[name=steps]').fill('Open goods receipt, select PO 4711, press Post.');
  const occurred = await customer.evaluate(() => {
    const d = new Date(Date.now() - 3 * 3600_000);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  });
  await form.locator('[name=firstOccurredAt]').fill(occurred);
  await form.locator('[name=reproduction]').fill('Reproducible in the test system with PO 4711.');
  await form.locator('[name=description]').fill('Posting spins forever since this morning.');
  await form.locator('button[type=submit]').click();
  const error = form.locator('.error[data-code=VALIDATION]');
  await error.waitFor();
  assert.match(await error.textContent(), /\(module\)$/);
  assert.equal(await form.locator('[name=module]').getAttribute('aria-invalid'), 'true');
  await form.locator('[name=module]').fill('Logistics / Goods receipt');
  await form.locator('button[type=submit]').click();
  // The portal opens the new ticket's page.
  const detail = customer.locator('.ticket-detail');
  await detail.locator(`h2:has-text("${title}")`).waitFor();
  const number = (await detail.locator('.ticket-number').textContent()).trim();
  assert.match(number, /^SD-\d{6}$/);
  const ticketID = await detail.getAttribute('data-ticket-id');

  // The agent's queue shows it without a reload, with its SLA state.
  const row = agent.locator(`#queue tbody tr[data-number="${number}"]`);
  await row.waitFor();
  assert.equal(await agent.evaluate(() => window.__noReload), true, 'the agent page was not reloaded');
  assert.equal((await row.locator('td.title').textContent()).trim(), title);
  assert.equal(await row.getAttribute('data-status'), 'NEW');
  assert.equal(await row.locator('td.prio').textContent(), 'P2');
  assert.equal(await row.locator('td.sla').getAttribute('data-sla-first'), 'ON_TRACK');
  assert.equal(await row.locator('td.sla').getAttribute('data-sla-resolution'), 'ON_TRACK');
  await agent.locator('.event-log li', { hasText: number }).first().waitFor();
  await agent.screenshot({ path: join(ARTIFACTS, 'live-update.png'), fullPage: true });

  // The agent opens it and writes an internal comment, then a public one.
  await row.locator('td.number a').click();
  const agentDetail = agent.locator(`.ticket-detail[data-ticket-id="${ticketID}"]`);
  await agentDetail.locator(`h2:has-text("${title}")`).waitFor();
  const addComment = async (text, internal) => {
    await agentDetail.locator('.comment-form textarea').fill(text);
    await agentDetail.locator('.comment-form input[name=internal]').setChecked(internal);
    await agentDetail.locator('.comment-form button[type=submit]').click();
    await agentDetail.locator(`.comment[data-internal="${internal}"]`, { hasText: text }).waitFor();
  };
  await addComment(internalText, true);
  await addComment(publicText, false);
  assert.equal(await agentDetail.locator('.comment').count(), 2);

  // The customer's open ticket page shows the public comment live, and never the internal
  // one: it was written first, so it would have arrived before the public one.
  await customer.locator('.ticket-detail .comment', { hasText: publicText }).waitFor();
  assert.equal(await customer.evaluate(() => document.body.innerText.includes('Internal note')), false);
  assert.equal(await customer.locator('.ticket-detail .comment').count(), 1);
  assert.equal(await customer.locator('.comment[data-internal="true"]').count(), 0);
  await customer.screenshot({ path: join(ARTIFACTS, 'customer-ticket.png'), fullPage: true });

  // After a reload the customer's page reads the ticket afresh: still only the public one.
  await customer.reload();
  await customer.locator('.ticket-detail .comment', { hasText: publicText }).waitFor();
  assert.equal(await customer.locator('.ticket-detail .comment').count(), 1);
  assert.equal(await customer.evaluate(() => document.body.innerText.includes('Internal note')), false);

  // Access tokens live 70 s here (ACCESS_TOKEN_TTL in .ci/browser.sh): each page refreshes
  // its pair a minute before expiry (at least 5 s after sign-in) and renews its WebSocket with
  // the reauthenticate mutation. Both sockets still deliver afterwards, both ways.
  await agent.locator('#who:not([data-reauthenticated="0"])').waitFor({ timeout: 30_000 });
  await customer.locator('#who:not([data-reauthenticated="0"])').waitFor({ timeout: 30_000 });
  const replyText = `Customer reply ${stamp}: posting works again after a restart`;
  await customer.locator('.ticket-detail .comment-form textarea').fill(replyText);
  await customer.locator('.ticket-detail .comment-form button[type=submit]').click();
  await agentDetail.locator('.comment[data-internal="false"]', { hasText: replyText }).waitFor();
  const laterText = `Public answer ${stamp}: thank you, we close the analysis`;
  await addComment(laterText, false);
  await customer.locator('.ticket-detail .comment', { hasText: laterText }).waitFor();
  assert.equal(await customer.locator('.ticket-detail .comment').count(), 3);
  assert.equal(await agent.locator('#live-status').getAttribute('data-state'), 'live');

  // The customer's list has the ticket too.
  await customer.locator('a[href="#/tickets"]').click();
  await customer.locator(`#my-tickets tr[data-number="${number}"]`).waitFor();

  assert.deepEqual(problems, []);
}));
