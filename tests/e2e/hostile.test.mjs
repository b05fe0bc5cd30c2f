// End to end, issue 7: hostile and broken input. Product and plan names carrying HTML and
// script render as text; SFT faults in the middle of a session (server error, token loss,
// 429 with Retry-After) keep the figures on screen and the widget recovers without a
// reload; hostile host CSS does not break the widget's layout; a host that removes and
// re-adds the element leaks no timers or listeners; two widgets for two travelers on one
// page live independently.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, watchErrors } from './support/browser.mjs';
import { startProxy } from './support/proxy.mjs';
import {
  API_ERROR_NOISE,
  CARD,
  EUROPE,
  JAPAN,
  NO_RATE_LIMIT,
  TEN_GB,
  addonsPath,
  cardOf,
  readCards,
  refreshMessage,
  simulator,
  travelerToken,
  demoCardCount,
  waitForCards,
  widgetKeys,
} from './support/widget.mjs';

const MINUTE_MS = 60_000;
const SECRET = 'e2e-hostile-test-secret-0123456789abcdef';
const IMG_NAME = '<img src=x onerror="window.__pwned=1">';
const SCRIPT_NAME = '<script>window.__pwned=2</script>';
const PLAN_NAME = '<b id="injected">bold</b><svg onload="window.__pwned=3"></svg>';
const USED_UP_DAY_PASS = '5511890';
const STARTS_ON_FIRST_USE = '5512077';
const HOSTILE_HOST_CSS = '\n* { all: unset !important; font-size: 40px !important }\n';

let proxy;
let browser;
/** Every card of the demo traveler (both eSIMs). */
let allCards;
let sim;

before(async () => {
  // No proxy cache and no stale answers: a fault reaches the widget at once. No SFT
  // back-off after a server error, so the recovery is the widget's to show. A known token
  // secret, so the test can sign a second traveler's token.
  proxy = await startProxy({
    extraArgs: [
      ...NO_RATE_LIMIT,
      '--cache-ttl-secs',
      '0',
      '--stale-if-error-secs',
      '0',
      '--sft-error-backoff-secs',
      '0',
      '--jwt-hs256-secret',
      SECRET,
    ],
  });
  browser = await launchBrowser();
  allCards = await demoCardCount(proxy);
  sim = simulator(proxy);
});

after(async () => {
  await sim?.faults({}).catch(() => {});
  await browser?.close();
  await proxy?.stop();
});

/** Clicks the widget's Refresh button. */
async function clickRefresh(page) {
  await page.locator('addon-usage .refresh-bar').getByRole('button', { name: 'Refresh' }).click();
}

/** Lets the manual-refresh cooldown pass, clicks Refresh, and returns the addons answer. */
async function refreshAfterCooldown(context, page) {
  // The previous refresh may still be fetching the other eSIM; its end restarts the
  // cooldown, so wait for it before letting the minute pass.
  await page.waitForFunction(() => {
    const button = document.querySelector('addon-usage')?.shadowRoot
      ?.querySelector('.refresh-bar button');
    return button && !button.disabled;
  });
  await context.clock.fastForward(MINUTE_MS + 1_000);
  const answered = page.waitForResponse((r) => addonsPath(EUROPE).test(new URL(r.url()).pathname));
  await clickRefresh(page);
  return answered;
}

/** Waits until the refresh message reads `wanted` (a string or RegExp); returns it. */
async function messageBecomes(page, wanted) {
  const handle = await page.locator('addon-usage .refresh-message').elementHandle();
  const source = wanted instanceof RegExp ? wanted.source : null;
  await page.waitForFunction(
    ([el, text, pattern]) =>
      pattern ? new RegExp(pattern).test(el.textContent.trim()) : el.textContent.trim() === text,
    [handle, source ? null : wanted, source],
    { timeout: 10_000 },
  );
  return (await handle.textContent()).trim();
}

describe('hostile and broken input', () => {
  test('names with HTML and script render as text; nothing is injected', async () => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.route('**/api/v1/traveler', async (route) => {
      const response = await route.fetch();
      const traveler = await response.json();
      for (const purchase of traveler.purchases) {
        if (purchase.uniqueId === TEN_GB) purchase.productName = IMG_NAME;
        if (purchase.uniqueId === USED_UP_DAY_PASS) purchase.productName = SCRIPT_NAME;
      }
      await route.fulfill({ response, json: traveler });
    });
    await page.route(`**/api/v1/endpoints/${EUROPE}/addons`, async (route) => {
      const response = await route.fetch();
      const snapshot = await response.json();
      for (const instance of snapshot.instances) {
        if (instance.uniqueId === STARTS_ON_FIRST_USE) instance.planName = PLAN_NAME;
      }
      await route.fulfill({ response, json: snapshot });
    });

    await page.goto(proxy.url);
    await waitForCards(page, { count: allCards, errors });
    const name = async (uniqueId) =>
      (await page.locator(`${cardOf(uniqueId)} .addon-name`).textContent()).trim();
    assert.equal(await name(TEN_GB), IMG_NAME, 'the <img> name, as text');
    assert.equal(await name(USED_UP_DAY_PASS), SCRIPT_NAME, 'the <script> name, as text');
    assert.match(
      await page.locator(`${cardOf(STARTS_ON_FIRST_USE)} .addon-plan`).textContent(),
      new RegExp(PLAN_NAME.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
      'the plan name, as text',
    );

    const injected = () =>
      page.evaluate(() => {
        const roots = [document, ...[...document.querySelectorAll('addon-usage')].map((h) => h.shadowRoot)];
        return roots.flatMap((root) =>
          [...root.querySelectorAll('img, script, b#injected, [onerror], [onload]')]
            .filter((el) => root !== document || el.tagName !== 'SCRIPT') // the page's own loaders
            .map((el) => el.outerHTML.slice(0, 80)),
        );
      });
    assert.deepEqual(await injected(), [], 'no injected element on the overview');

    await page.locator(`${cardOf(TEN_GB)} .addon-name a`).click();
    const title = page.locator('addon-usage .addon-detail h2.addon-name');
    await title.waitFor();
    assert.equal((await title.textContent()).trim(), IMG_NAME, 'the detail title, as text');
    assert.deepEqual(await injected(), [], 'no injected element on the detail view');

    await page.waitForTimeout(300); // an onerror/onload would have run by now
    assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('hostile host CSS (all: unset, 40px fonts) leaves the widget’s layout alone', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.route('**/portal.css', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: (await response.text()) + HOSTILE_HOST_CSS });
    });
    await page.goto(`${proxy.url}/portal.html`);
    await waitForCards(page, { count: allCards, errors });

    const hostFont = await page.locator('main h1').evaluate((el) => getComputedStyle(el).fontSize);
    assert.equal(hostFont, '40px', 'the hostile CSS is in force on the host page');

    const bars = await page.locator(`${CARD} [role=progressbar]`).evaluateAll((all) =>
      all.map((bar) => bar.getBoundingClientRect().height),
    );
    assert.ok(bars.length > 0);
    for (const height of bars) {
      assert.ok(height > 0 && height < 30, `a progress bar is ${height}px high`);
    }
    const card = await page.locator(CARD).first().boundingBox();
    assert.ok(card.width > 250, `a card is ${card.width}px wide`);
    const button = await page.locator(`${CARD} li.warning button`).first().boundingBox();
    assert.ok(
      button.height >= 44 && button.height < 80,
      `an action button keeps its 44px touch target, not more: ${button.height}px`,
    );

    // Last, as it is the most likely to break: `rem` sizes follow the host's root font.
    const titleSize = await page
      .locator(`${CARD} .addon-name`)
      .first()
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(titleSize < 30, `a card title is ${titleSize}px, not the host's 40px`);

    assert.deepEqual(errors, []);
    await context.close();
  });

  test('removing and re-adding the element 20 times leaks no timers or listeners', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      const live = { intervals: new Set(), timeouts: new Map(), listeners: new Map() };
      const { setInterval, clearInterval, setTimeout, clearTimeout } = window;
      window.setInterval = function (...args) {
        const id = setInterval.apply(this, args);
        live.intervals.add(id);
        return id;
      };
      window.clearInterval = function (id) {
        live.intervals.delete(id);
        return clearInterval.call(this, id);
      };
      window.setTimeout = function (callback, delay, ...rest) {
        let id;
        const run = typeof callback === 'function'
          ? function (...a) { live.timeouts.delete(id); return callback.apply(this, a); }
          : callback;
        id = setTimeout.call(this, run, delay, ...rest);
        live.timeouts.set(id, Number(delay) || 0);
        return id;
      };
      window.clearTimeout = function (id) {
        live.timeouts.delete(id);
        return clearTimeout.call(this, id);
      };
      const { addEventListener, removeEventListener } = EventTarget.prototype;
      const key = (target, type) =>
        target === window ? `window:${type}` : target === document ? `document:${type}` : null;
      EventTarget.prototype.addEventListener = function (type, listener, options) {
        const k = key(this, type);
        if (k && listener) {
          const set = live.listeners.get(k) ?? new Set();
          set.add(listener);
          live.listeners.set(k, set);
        }
        return addEventListener.call(this, type, listener, options);
      };
      EventTarget.prototype.removeEventListener = function (type, listener, options) {
        const k = key(this, type);
        if (k) live.listeners.get(k)?.delete(listener);
        return removeEventListener.call(this, type, listener, options);
      };
      window.__live = () => ({
        intervals: live.intervals.size,
        // Timers that will still fire in 10 s or more: the widget's refresh schedule.
        longTimeouts: [...live.timeouts.values()].filter((delay) => delay >= 10_000).length,
        listeners: Object.fromEntries(
          [...live.listeners].filter(([, set]) => set.size > 0).map(([k, set]) => [k, set.size]),
        ),
      });
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${proxy.url}/portal.html`);
    await waitForCards(page, { count: allCards, errors });
    await page.waitForTimeout(1_000);
    const cards = await page.locator(CARD).count();
    const one = await page.evaluate(() => window.__live());
    assert.ok(one.intervals >= 1, `a mounted widget runs its clock: ${JSON.stringify(one)}`);

    await page.evaluate(async () => {
      const element = document.querySelector('addon-usage');
      const parent = element.parentNode;
      for (let i = 0; i < 20; i += 1) {
        element.remove();
        await new Promise((resolve) => requestAnimationFrame(resolve));
        parent.append(element);
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
    });
    await waitForCards(page, { count: cards, errors });
    await page.waitForTimeout(1_000);
    const after20 = await page.evaluate(() => window.__live());

    assert.deepEqual(after20, one, 'as many live timers and listeners as one mounted widget');
    await page.evaluate(() => document.querySelector('addon-usage').remove());
    await page.waitForTimeout(500);
    const none = await page.evaluate(() => window.__live());
    assert.ok(none.intervals < one.intervals, `removal stops the widget's interval: ${JSON.stringify(none)}`);
    assert.equal(none.longTimeouts, 0, 'removal cancels the refresh timer');

    assert.deepEqual(errors, []);
    await context.close();
  });

  test('two widgets for two travelers on one page live independently', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${proxy.url}/portal.html`);
    await waitForCards(page, { count: allCards, errors });
    const first = 'addon-usage[traveler="demo-traveler"]';

    // A second traveler who owns only the Japan eSIM, with a token the portal signed.
    await page.evaluate((token) => {
      const second = document.createElement('addon-usage');
      second.id = 'second';
      second.setAttribute('traveler', 'second-traveler');
      second.token = token;
      document.querySelector('main').append(second);
    }, travelerToken(SECRET, 'second-traveler', [JAPAN]));
    await waitForCards(page, { selector: '#second article.addon-card', min: 1, errors });

    const sections = (host) =>
      page.locator(`${host} section.endpoint`).evaluateAll((all) => all.map((s) => s.dataset.endpointId));
    assert.deepEqual(await sections(first), [EUROPE, JAPAN], 'the demo traveler sees both eSIMs');
    assert.deepEqual(await sections('#second'), [JAPAN], 'the second traveler only theirs');
    const secondNames = await page.locator('#second article.addon-card .addon-name').allTextContents();
    const firstJapan = await page
      .locator(`${first} section[data-endpoint-id="${JAPAN}"] article.addon-card .addon-name`)
      .allTextContents();
    assert.notDeepEqual(secondNames, firstJapan, 'no purchases of the demo traveler in the second');

    const keys = await widgetKeys(page);
    const tags = new Set(keys.map((key) => key.split('.')[2]));
    assert.equal(tags.size, 2, `one cache per traveler: ${keys}`);

    // Navigating one leaves the other on its overview.
    const firstCards = await page.locator(`${first} article.addon-card`).count();
    await page.locator('#second article.addon-card .addon-name a').first().click();
    await page.locator('#second .addon-detail').waitFor();
    assert.equal(await page.locator(`${first} .addon-detail`).count(), 0);
    assert.equal(await page.locator(`${first} article.addon-card`).count(), firstCards);

    // Removing one leaves the other working.
    await page.evaluate(() => document.querySelector('#second').remove());
    await page.locator(`${first} .refresh-bar`).getByRole('button', { name: 'Refresh' }).click();
    assert.match(await refreshMessage(page, first), /^Updated just now\./);
    assert.equal(await page.locator(`${first} article.addon-card`).count(), firstCards);

    assert.deepEqual(errors, []);
    await context.close();
  });

  // Last: after a 429 the proxy leaves each endpoint alone for its Retry-After (30 s).
  test('SFT faults mid-session keep the figures, say what happened, and recover', async () => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    await context.clock.install();
    const page = await context.newPage();
    const errors = watchErrors(page, API_ERROR_NOISE);
    await page.goto(proxy.url);
    await waitForCards(page, { count: allCards, errors });
    const figures = await readCards(page);
    const notice = page.locator('addon-usage .notice--error[role=alert]');

    try {
      // SFT fails with a server error.
      await sim.faults({ status: 500 });
      assert.equal((await refreshAfterCooldown(context, page)).status(), 502);
      await notice.waitFor({ timeout: 5_000 });
      assert.match(await notice.textContent(), /cannot be reached right now/);
      assert.deepEqual(await readCards(page), figures, 'the cards and figures stay');
      assert.match(await messageBecomes(page, /cannot be reached/), /cannot be reached/);

      // SFT is back: a refresh recovers, no reload.
      await sim.faults({});
      assert.equal((await refreshAfterCooldown(context, page)).status(), 200);
      await notice.waitFor({ state: 'detached', timeout: 5_000 });
      assert.equal(await messageBecomes(page, 'Updated just now.'), 'Updated just now.');
      await waitForCards(page, { count: figures.length, errors });

      // SFT forgets the proxy's token: the proxy renews it, the traveler sees nothing.
      const callsBefore = await sim.calls();
      await sim.faults({ expire_tokens: true });
      await messageBecomes(page, 'Updated just now.');
      assert.equal((await refreshAfterCooldown(context, page)).status(), 200);
      const callsAfter = await sim.calls();
      assert.ok(
        callsAfter.refresh + callsAfter.login > callsBefore.refresh + callsBefore.login,
        `the proxy renewed its SFT token (${JSON.stringify(callsBefore)} → ${JSON.stringify(callsAfter)})`,
      );
      assert.equal(await notice.count(), 0, 'no error after a token loss');

      // SFT says 429 with Retry-After: the widget says it was asked to wait.
      await sim.faults({ status: 429, retry_after_secs: 30 });
      const busy = await refreshAfterCooldown(context, page);
      assert.equal(busy.status(), 503);
      assert.equal((await busy.allHeaders())['retry-after'], '30');
      await notice.waitFor({ timeout: 5_000 });
      assert.match(await notice.textContent(), /busy; try again in 30 seconds/);
      await clickRefresh(page);
      const wait = await messageBecomes(page, /^The usage service asked us to wait\./);
      const seconds = Number(wait.match(/Try again in (\d+) s\./)?.[1]);
      assert.ok(seconds >= 1 && seconds <= 30, `asked to wait up to 30 s: "${wait}"`);
      assert.equal((await readCards(page)).length, figures.length, 'the cards stay');
    } finally {
      await sim.faults({});
    }

    assert.deepEqual(errors, []);
    await context.close();
  });
});
