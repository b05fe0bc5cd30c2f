// End to end, issue 4: refresh discipline, offline use and the cache. A reload shows the
// cached cards before the proxy answers; a manual refresh right after a successful one is
// refused with a cooldown message; two tabs share one proxy request; the portal's logout
// (`forgetTraveler()`) removes only this traveler's keys; an offline reload shows the
// offline banner over the cached cards.
//
// The browser's clock is Playwright's (`context.clock`), so a test can let a minute pass
// without waiting for it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, watchErrors } from './support/browser.mjs';
import { startProxy } from './support/proxy.mjs';
import {
  EUROPE,
  NO_RATE_LIMIT,
  OFFLINE_NOISE,
  addonsPath,
  readCards,
  recordRequests,
  refreshMessage,
  simulator,
  demoCardCount,
  waitForCards,
  widgetKeys,
} from './support/widget.mjs';

const MINUTE_MS = 60_000;

let proxy;
let browser;
/** Every card of the demo traveler (both eSIMs). */
let allCards;

before(async () => {
  // No proxy cache, so a request the widget makes is a request the test can see answered
  // with the simulator's current figures.
  proxy = await startProxy({ extraArgs: [...NO_RATE_LIMIT, '--cache-ttl-secs', '0'] });
  browser = await launchBrowser();
  allCards = await demoCardCount(proxy);
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
});

/** A context whose clock the test moves; service workers blocked unless `offline`. */
async function newContext({ serviceWorkers = 'block' } = {}) {
  const context = await browser.newContext({ serviceWorkers });
  await context.clock.install();
  return context;
}

/** Opens the standalone page in `context` and waits for the cards. */
async function openStandalone(context, allowed = []) {
  const page = await context.newPage();
  const errors = watchErrors(page, allowed);
  const requests = recordRequests(page);
  await page.goto(proxy.url);
  await waitForCards(page, { count: allCards, errors });
  return { page, errors, requests };
}

/** Clicks the widget's Refresh button. */
async function clickRefresh(page) {
  await page.locator('addon-usage .refresh-bar').getByRole('button', { name: 'Refresh' }).click();
}


/** Waits until the widget is not refreshing (its Refresh button is enabled again). */
async function waitIdle(page) {
  await page.waitForFunction(() => {
    const button = document.querySelector('addon-usage')?.shadowRoot
      ?.querySelector('.refresh-bar button');
    return button && !button.disabled;
  });
}

describe('refresh discipline, offline use and the cache', () => {
  test('a reload shows the cached cards before the proxy answers', async () => {
    const context = await newContext();
    const { page, errors } = await openStandalone(context);
    const cached = await readCards(page);
    // Older than the two-minute minimum age, so the reload does ask the proxy.
    await context.clock.fastForward(3 * MINUTE_MS);

    const held = [];
    let release;
    const released = new Promise((resolve) => {
      release = resolve;
    });
    await page.route('**/api/v1/**', async (route) => {
      held.push(new URL(route.request().url()).pathname);
      await released;
      await route.continue().catch(() => {});
    });

    await page.reload({ waitUntil: 'domcontentloaded' });
    await waitForCards(page, { count: cached.length });
    const shown = await readCards(page);
    await page.waitForTimeout(300); // a request sent at once has been routed by now
    const heldWhileShown = [...held];

    assert.ok(
      heldWhileShown.length > 0,
      'the reload should have asked the proxy (the data was older than the minimum age)',
    );
    assert.deepEqual(shown, cached, 'the cached cards, with their figures, before any answer');

    const answered = page.waitForResponse((r) => addonsPath(EUROPE).test(new URL(r.url()).pathname));
    release();
    assert.equal((await answered).status(), 200);
    await page.unrouteAll({ behavior: 'wait' });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a manual refresh right after a successful one is refused with a cooldown', async () => {
    const context = await newContext();
    const { page, errors, requests } = await openStandalone(context);
    const before = requests.count(addonsPath(EUROPE));

    await waitIdle(page);
    await clickRefresh(page);
    const refused = await refreshMessage(page);
    const match = refused.match(/^Updated just now\. You can refresh again in (\d+) s\.$/);
    assert.ok(match, `the cooldown message: "${refused}"`);
    const wait = Number(match[1]);
    assert.ok(wait >= 1 && wait <= 60, `the wait (${wait} s) is within the 60 s cooldown`);
    await page.waitForTimeout(300);
    assert.equal(requests.count(addonsPath(EUROPE)), before, 'no request for a refused refresh');

    await waitIdle(page);
    await context.clock.fastForward(MINUTE_MS + 1_000);
    const answered = page.waitForResponse((r) => addonsPath(EUROPE).test(new URL(r.url()).pathname));
    await clickRefresh(page);
    assert.equal((await answered).status(), 200);
    await page.waitForFunction(
      (el) => el.textContent.trim() === 'Updated just now.',
      await page.locator('addon-usage .refresh-message').elementHandle(),
    );
    assert.equal(requests.count(addonsPath(EUROPE)), before + 1, 'one request per refresh');

    assert.deepEqual(errors, []);
    await context.close();
  });

  test('two tabs make one proxy request: the second adopts what the first stored', async () => {
    const sim = simulator(proxy);
    const context = await newContext();
    const a = await openStandalone(context);
    const b = await openStandalone(context);

    assert.equal(a.requests.count(addonsPath(EUROPE)), 1, 'the first tab fetched once');
    assert.equal(b.requests.count(addonsPath(EUROPE)), 0, 'the second tab used the shared cache');
    assert.deepEqual(await readCards(b.page), await readCards(a.page));

    // Later, the first tab refreshes; the second adopts the answer instead of fetching.
    await sim.advance(30);
    await waitIdle(a.page);
    await waitIdle(b.page);
    await context.clock.fastForward(MINUTE_MS + 1_000);
    const asOfBefore = (await b.page.locator('addon-usage .as-of').textContent()).trim();
    const answered = a.page.waitForResponse((r) => addonsPath(EUROPE).test(new URL(r.url()).pathname));
    await clickRefresh(a.page);
    assert.equal((await answered).status(), 200);
    const asOfA = a.page.locator('addon-usage .as-of');
    await a.page.waitForFunction(
      ([el, old]) => el.textContent.trim() !== old,
      [await asOfA.elementHandle(), asOfBefore],
    );
    const newAsOf = (await asOfA.textContent()).trim();
    const asOfB = b.page.locator('addon-usage .as-of');
    await b.page.waitForFunction(
      ([el, wanted]) => el.textContent.trim() === wanted,
      [await asOfB.elementHandle(), newAsOf],
      { timeout: 5_000 },
    );

    assert.equal(a.requests.count(addonsPath(EUROPE)), 2, 'the first tab fetched again');
    assert.equal(b.requests.count(addonsPath(EUROPE)), 0, 'the second tab never fetched');
    assert.deepEqual(await readCards(b.page), await readCards(a.page), 'both show the new figures');
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);
    await context.close();
  });

  test('logout: forgetTraveler() removes this traveler’s keys and nothing else', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${proxy.url}/portal.html`);
    await waitForCards(page, { count: allCards });
    const ours = await widgetKeys(page);
    assert.ok(ours.length > 0, 'the widget keeps its answers in localStorage');
    assert.ok(
      ours.every((key) => /^addon-usage\.v1\.[0-9a-f]{16}\./.test(key)),
      `namespaced, versioned, per-traveler keys: ${ours}`,
    );

    // The host's own key, and another traveler's widget (its own keys) on the same origin.
    await page.evaluate(() => {
      localStorage.setItem('portal.cart', '{"items":2}');
      const other = document.createElement('addon-usage');
      other.setAttribute('token-url', '/demo/token');
      other.setAttribute('traveler', 'another-traveler');
      other.id = 'other';
      document.querySelector('main').append(other);
    });
    await waitForCards(page, { selector: '#other article.addon-card', count: allCards });
    const others = (await widgetKeys(page)).filter((key) => !ours.includes(key));
    assert.ok(others.length > 0, 'the other traveler has keys of their own');

    const { removed, left } = await page.evaluate(() => {
      const element = document.querySelector('addon-usage[traveler="demo-traveler"]');
      const count = element.forgetTraveler();
      const keys = Object.keys(localStorage).sort();
      element.remove(); // the portal's logout takes the widget away
      return { removed: count, left: keys };
    });

    assert.equal(removed, ours.length, 'forgetTraveler() says how many entries it removed');
    assert.deepEqual(left, ['portal.cart', ...others].sort(), 'only our keys are gone');
    assert.equal(await page.evaluate(() => localStorage.getItem('portal.cart')), '{"items":2}');
    // Whatever the removed widget had started must end quietly (no request without a token).
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an offline reload shows the offline banner over the cached cards', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page, OFFLINE_NOISE);
    await page.goto(proxy.url);
    await waitForCards(page, { count: allCards });
    const online = await readCards(page);
    assert.equal(await page.locator('addon-usage .notice--offline').count(), 0, 'no banner online');
    // The service worker must be active before the network goes, or nothing serves the page.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));

    await context.setOffline(true);
    await page.reload();
    await waitForCards(page, { count: online.length, errors });
    const banner = page.locator('addon-usage .notice--offline');
    await banner.waitFor({ timeout: 5_000 });

    assert.match(
      (await banner.textContent()).trim(),
      /^You're offline\. Showing figures as of .+\.$/,
      'the banner says how old the figures are',
    );
    assert.deepEqual(await readCards(page), online, 'the cached cards and figures');
    assert.match((await page.locator('addon-usage .as-of').textContent()).trim(), /^As of /);

    await clickRefresh(page);
    assert.equal(
      await refreshMessage(page),
      "You're offline. We'll refresh when you're back online.",
    );

    await context.setOffline(false);
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
