// End to end, issue 3: the widget's views (overview, add-on detail, plan history) with
// the page URL and the back button, a deep link, a forecast that appears once the
// simulator's clock has moved and the widget has read the balance a few times, and the
// Top up event a portal listens for.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, watchErrors } from './support/browser.mjs';
import { demoToken, getJson, startProxy } from './support/proxy.mjs';
import {
  CARD,
  EUROPE,
  NO_RATE_LIMIT,
  TEN_GB,
  addonsPath,
  cardOf,
  recordRequests,
  simulator,
  demoCardCount,
  waitForCards,
} from './support/widget.mjs';

/** The used-up day pass of the Europe eSIM: its warning offers Top up. */
const USED_UP_DAY_PASS = '5511890';
const DETAIL = 'addon-usage .addon-detail';
const HOUR_MS = 3_600_000;

let proxy;
let browser;
/** Every card of the demo traveler (both eSIMs). */
let allCards;
let traveler;

before(async () => {
  // No proxy cache: every fetch the widget makes reads the simulator's balance afresh.
  proxy = await startProxy({ extraArgs: [...NO_RATE_LIMIT, '--cache-ttl-secs', '0'] });
  browser = await launchBrowser();
  allCards = await demoCardCount(proxy);
  traveler = await getJson(`${proxy.url}/api/v1/traveler`, await demoToken(proxy.url));
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
});

/** The purchase the demo book holds for `uniqueId`. */
function purchaseOf(uniqueId) {
  const purchase = traveler.purchases.find((p) => p.uniqueId === uniqueId);
  assert.ok(purchase, `the demo traveler should have a purchase for ${uniqueId}`);
  return purchase;
}

/** The page's path (no origin). */
const pathOf = (page) => new URL(page.url()).pathname;

/** Checks the add-on detail view of the 10 GB add-on: title, validity, limits, forecast. */
async function assertTenGbDetail(page) {
  const detail = page.locator(DETAIL);
  await detail.waitFor({ timeout: 10_000 });
  assert.equal(await detail.getAttribute('data-unique-id'), TEN_GB);
  assert.equal(
    (await detail.locator('h2.addon-name').textContent()).trim(),
    purchaseOf(TEN_GB).productName,
    'the detail is titled with the product the traveler bought',
  );

  const rows = detail.locator('table.validity-table tbody tr');
  const benefits = await detail.locator('.benefit').count();
  assert.ok(benefits >= 1, 'the detail lists the benefits');
  assert.equal(await rows.count(), 1 + benefits, 'one validity row for the plan and each benefit');
  assert.equal(
    (await rows.first().locator('th').textContent()).trim().startsWith('Plan'),
    true,
    'the first validity row is the plan',
  );
  assert.ok((await detail.locator('tr.governs').count()) >= 1, 'the governing validity is marked');
  assert.ok(
    (await detail.locator('.governs-mark').first().textContent()).includes('governs'),
    'the governing row says so in words',
  );

  const limits = detail.locator('section[aria-label="Limits"]');
  assert.equal((await limits.locator('h3').textContent()).trim(), 'Limits');
  assert.ok((await limits.locator('li').count()) >= 1, 'the counters are listed as sentences');
  assert.match(await limits.locator('li').first().textContent(), /left|limit/);

  const pace = detail.locator('section[aria-label="Pace and forecast"]');
  assert.equal((await pace.locator('h3').textContent()).trim(), 'Pace and forecast');
  assert.equal(await pace.locator('.forecast-text').count(), benefits, 'a forecast per benefit');
}


/** Waits until the widget is not refreshing (its Refresh button is enabled again). */
async function waitIdle(page) {
  await page.waitForFunction(() => {
    const button = document.querySelector('addon-usage')?.shadowRoot
      ?.querySelector('.refresh-bar button');
    return button && !button.disabled;
  });
}

describe('views: overview, add-on detail and plan history', () => {
  test('overview → detail → plan history, and the back button returns to the overview', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(proxy.url);
    const cardCount = await waitForCards(page, { count: allCards });

    const section = page.locator(`addon-usage section.endpoint[data-endpoint-id="${EUROPE}"]`);
    const groups = (await section.locator('h4.group-title').allTextContents()).map((t) => t.trim());
    assert.deepEqual(groups, ['Active', 'Waiting to start'], 'the overview groups');
    const ended = section.locator('details.history');
    assert.match((await ended.locator('summary').textContent()).trim(), /^Ended \(\d+\)$/);
    assert.equal(await ended.getAttribute('open'), null, 'ended add-ons are collapsed');
    assert.ok(
      (await ended.locator('article.addon-card[data-status="expired"]').count()) >= 1,
      'expired add-ons sit under Ended',
    );

    await page.locator(`${cardOf(TEN_GB)} .addon-name a`).click();
    await page.waitForURL(`**/addon/${EUROPE}/${TEN_GB}`);
    await assertTenGbDetail(page);
    assert.equal(await page.locator(CARD).count(), 0, 'the overview is gone');

    const planLink = page.locator(`${DETAIL} a.plan-link`);
    assert.match(await planLink.textContent(), /^Every purchase and renewal/);
    const planPath = `/plan/${EUROPE}/${purchaseOf(TEN_GB).addonId}`;
    assert.equal(await planLink.getAttribute('href'), planPath);
    await planLink.click();
    await page.waitForURL(`**${planPath}`);
    const items = page.locator('addon-usage .plan-history li.timeline-item');
    await items.first().waitFor();
    assert.equal(
      (await page.locator('addon-usage .plan-history h2').textContent()).trim(),
      'Plan history',
    );
    assert.ok(
      (await items.evaluateAll((all) => all.map((li) => li.dataset.uniqueId))).includes(TEN_GB),
      'the timeline holds the add-on it was opened from',
    );
    assert.match(
      await items.first().textContent(),
      new RegExp(`Bought as ${purchaseOf(TEN_GB).productName}`),
    );

    await page.goBack();
    await page.locator(DETAIL).waitFor();
    assert.equal(pathOf(page), `/addon/${EUROPE}/${TEN_GB}`, 'back: the detail again');
    await page.goBack();
    await waitForCards(page, { count: cardCount });
    assert.equal(pathOf(page), '/', 'back twice: the overview');
    assert.equal(await page.locator(DETAIL).count(), 0);

    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a deep link opens the add-on detail, and its back link the overview', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);

    await page.goto(`${proxy.url}/addon/${EUROPE}/${TEN_GB}`);
    await assertTenGbDetail(page);
    await page.locator('addon-usage .detail a.back-link').click();
    await waitForCards(page, { count: allCards });
    assert.equal(pathOf(page), '/');

    await page.goto(`${proxy.url}/plan/${EUROPE}/${purchaseOf(TEN_GB).addonId}`);
    await page.locator('addon-usage .plan-history li.timeline-item').first().waitFor();

    // Let the page settle (service worker registration, late console lines).
    await page.waitForLoadState('networkidle');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a forecast appears once the balance has been read over an hour of simulator time', async () => {
    const sim = simulator(proxy);
    const context = await browser.newContext();
    // The browser's clock moves with the simulator's, so the widget's own refresh timer
    // (15 minutes) fires and reads the balance again, as it would for a traveler who
    // keeps the page open.
    await context.clock.install();
    const page = await context.newPage();
    const errors = watchErrors(page);
    const requests = recordRequests(page);

    // From the overview (the deep link has its own test).
    await page.goto(proxy.url);
    await waitForCards(page, { count: allCards });
    await page.locator(`${cardOf(TEN_GB)} .addon-name a`).click();
    const dataForecast = page.locator(`${DETAIL} .usage-chart .forecast-text`).first();
    await dataForecast.waitFor();
    assert.match(
      await dataForecast.textContent(),
      /^A forecast appears once the balance has been read 3 times over at least 1 h \(so far: 1 reading\)/,
      'one reading is no forecast',
    );

    let sentence = '';
    for (let hour = 1; hour <= 6 && !sentence.startsWith('At this pace'); hour += 1) {
      const answered = page.waitForResponse(
        (response) => addonsPath(EUROPE).test(new URL(response.url()).pathname),
        { timeout: 10_000 },
      );
      await sim.advance(60);
      // A refresh still fetching the other eSIM would swallow the hourly tick.
      await waitIdle(page);
      await context.clock.fastForward(HOUR_MS);
      assert.equal((await answered).status(), 200, 'the hourly re-read succeeds');
      // The answer is rendered after it arrives.
      await page.waitForTimeout(300);
      sentence = (await dataForecast.textContent()).trim();
    }

    assert.match(
      sentence,
      /^At this pace \(.+ an hour\) it (runs out .+ before it expires|lasts until expiry|runs out .+)\.$/,
      `the data forecast after several readings: ${sentence}`,
    );
    const forecastLine = await page
      .locator(`${DETAIL} .usage-chart svg path.forecast-line`)
      .first()
      .getAttribute('d');
    assert.ok(forecastLine && forecastLine.trim() !== '', 'the chart draws the forecast');
    assert.ok(requests.count(addonsPath(EUROPE)) >= 3, 'the widget read the balance each hour');

    assert.deepEqual(errors, []);
    await context.close();
  });

  test('Top up on a warning tells the portal which add-on, through a DOM event', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(proxy.url);
    await waitForCards(page, { count: allCards });
    await page.evaluate(() => {
      window.__events = [];
      for (const name of ['addon-usage:top-up', 'addon-usage:renew']) {
        document.addEventListener(name, (event) => {
          window.__events.push({
            type: event.type,
            target: event.target.tagName.toLowerCase(),
            bubbles: event.bubbles,
            composed: event.composed,
            detail: event.detail,
          });
        });
      }
    });

    const warning = page.locator(`${cardOf(USED_UP_DAY_PASS)} li.warning`, { hasText: 'Nothing left of' });
    await warning.getByRole('button', { name: 'Top up' }).click();
    await page.waitForFunction(() => window.__events.length > 0);
    const events = await page.evaluate(() => window.__events);

    const purchase = purchaseOf(USED_UP_DAY_PASS);
    assert.deepEqual(events, [
      {
        type: 'addon-usage:top-up',
        target: 'addon-usage',
        bubbles: true,
        composed: true,
        detail: {
          endpointId: EUROPE,
          addonId: purchase.addonId,
          uniqueId: USED_UP_DAY_PASS,
          orderId: purchase.orderId,
        },
      },
    ]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
