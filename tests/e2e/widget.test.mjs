// End to end: the built widget, served by the real proxy, reading the in-process SFT
// simulator, in Debian's Chromium. Run by `cargo xtask test`, or by hand with
// `node --test tests/e2e/` after `trunk build index.html --release` and
// `cargo build -p addon-usage-proxy`.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, watchErrors } from './support/browser.mjs';
import { demoToken, getJson, repoRoot, startProxy } from './support/proxy.mjs';

/** The demo traveler's endpoint with the most varied add-ons. */
const ENDPOINT = '880154';
const STATUSES = ['not-started', 'scheduled', 'active', 'used-up', 'expired'];
const SECTION = `section.endpoint[data-endpoint-id="${ENDPOINT}"]`;
const CARD = `${SECTION} article.addon-card`;
const SCREENSHOTS = path.join(repoRoot, 'docs', 'screenshots');
const API_DELAY_MS = 3_000;

/**
 * Chromium logs each request to the proxy (API, token) that fails while the network is cut
 * (ERR_FAILED when the service worker answered it with an error); those are expected.
 * Anything else, such as a page error or a CSP violation, still fails the test.
 */
const OFFLINE_NOISE = [
  new RegExp(
    String.raw`^console\.error: Failed to load resource: ` +
      String.raw`net::(ERR_INTERNET_DISCONNECTED|ERR_FAILED) ` +
      String.raw`\(http://127\.0\.0\.1:\d+/`,
  ),
];

let proxy;
let browser;

before(async () => {
  proxy = await startProxy();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
});

/** The simulator's current instances of `endpointId`, in a shape the DOM can be compared to. */
async function simulatorInstances(endpointId) {
  const instances = await getJson(`${proxy.simulatorUrl}/sim/endpoints/${endpointId}`);
  assert.ok(Array.isArray(instances), `/sim/endpoints should answer a list, not ${instances}`);

  return instances.map((instance) => ({
    uniqueId: String(instance.uniqueId),
    planName: instance.planName,
    benefits: instance.benefits.map((benefit) => ({
      kind: String(benefit.name).toLowerCase(),
      remaining: String(benefit.remaining),
      total: String(benefit.total),
    })),
  }));
}

/**
 * What the widget shows for every card of `ENDPOINT`, read from the DOM contract. The widget
 * renders into an open shadow root; Playwright's CSS locators reach into it.
 */
async function renderedCards(page) {
  return page.locator(CARD).evaluateAll((cards) =>
    cards.map((card) => ({
      uniqueId: card.dataset.uniqueId,
      status: card.dataset.status,
      name: card.querySelector('.addon-name')?.textContent.trim() ?? null,
      badge: card.querySelector('.status-badge')?.textContent.trim() ?? null,
      countdown: card.querySelector('time.countdown')?.getAttribute('datetime') ?? null,
      benefits: [...card.querySelectorAll('.benefit')].map((benefit) => {
        const bar = benefit.querySelector('[role=progressbar]');
        return {
          kind: benefit.dataset.kind,
          remaining: benefit.dataset.remaining,
          total: benefit.dataset.total,
          figures: benefit.querySelector('.benefit-figures')?.textContent.trim() ?? '',
          min: bar?.getAttribute('aria-valuemin') ?? null,
          max: bar?.getAttribute('aria-valuemax') ?? null,
          now: bar?.getAttribute('aria-valuenow') ?? null,
          text: bar?.getAttribute('aria-valuetext') ?? null,
        };
      }),
    })),
  );
}

/** Opens the widget in a fresh context and waits until every simulator instance has a card. */
async function openWidget(context, expectedCount, allowedErrors = []) {
  const page = await context.newPage();
  const errors = watchErrors(page, allowedErrors);
  await page.goto(proxy.url);
  await waitForCards(page, expectedCount, errors);
  return { page, errors };
}

/**
 * Waits for exactly `expectedCount` cards; on time-out, says what the page showed instead
 * and which errors it logged.
 */
async function waitForCards(page, expectedCount, errors, timeout = 15_000) {
  const cards = page.locator(CARD);
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if ((await cards.count()) === expectedCount) {
      return;
    }
    await page.waitForTimeout(50);
  }

  const seen = {
    cards: await cards.count(),
    alerts: await page.locator('[role=alert]').allTextContents(),
    text: (await page.locator('.addon-usage').first().innerText({ timeout: 1_000 }).catch(
      async () => page.locator('body').innerText(),
    )).slice(0, 400),
  };
  throw new Error(
    `expected ${expectedCount} cards within ${timeout} ms; the page showed ` +
      `${JSON.stringify(seen)}; errors logged: ${JSON.stringify(errors)}`,
  );
}

/** Sorts benefit tuples so that two lists compare regardless of order. */
function benefitKey(benefits) {
  return benefits
    .map(({ kind, remaining, total }) => `${kind}:${remaining}/${total}`)
    .sort();
}

describe('the demo traveler in the widget', () => {
  test('every simulator add-on of the endpoint has a card with the simulator figures', async () => {
    const instances = await simulatorInstances(ENDPOINT);
    const traveler = await getJson(`${proxy.url}/api/v1/traveler`, await demoToken(proxy.url));
    const context = await browser.newContext();
    const { page, errors } = await openWidget(context, instances.length);

    const cards = await renderedCards(page);
    const sections = await page.$$eval('section.endpoint[data-endpoint-id]', (all) =>
      all.map((section) => ({
        id: section.dataset.endpointId,
        heading: section.querySelector('h2, h3')?.textContent ?? '',
      })),
    );
    const asOf = page.locator('[data-testid=as-of]').first();

    assert.ok(instances.length > 0, 'the simulator should seed add-ons for the demo endpoint');
    for (const endpoint of traveler.endpoints) {
      const section = sections.find((s) => s.id === endpoint.id);
      assert.ok(section, `no section for endpoint ${endpoint.id}`);
      assert.ok(section.heading?.includes(endpoint.label), `heading of ${endpoint.id}`);
    }
    assert.ok(await asOf.isVisible(), 'the "as of" time should be shown');
    for (const instance of instances) {
      const card = cards.find((c) => c.uniqueId === instance.uniqueId);
      assert.ok(card, `no card for simulator instance ${instance.uniqueId}`);
      const where = `card ${instance.uniqueId}`;

      assert.ok(STATUSES.includes(card.status), `${where}: status ${card.status}`);
      assert.ok(card.badge, `${where}: empty status badge`);
      const purchase = traveler.purchases.find((p) => p.uniqueId === instance.uniqueId);
      if (purchase) {
        assert.equal(card.name, purchase.productName, `${where}: product name`);
      } else {
        assert.ok(card.name, `${where}: empty add-on name`);
      }
      assert.deepEqual(
        benefitKey(card.benefits),
        benefitKey(instance.benefits),
        `${where}: benefits (kind:remaining/total)`,
      );
      for (const benefit of card.benefits) {
        assert.equal(benefit.min, '0', `${where}: aria-valuemin`);
        assert.equal(benefit.max, '100', `${where}: aria-valuemax`);
        const now = Number(benefit.now);
        assert.ok(now >= 0 && now <= 100, `${where}: aria-valuenow ${benefit.now} outside 0..100`);
        assert.ok(benefit.text, `${where}: empty aria-valuetext`);
        assert.ok(benefit.figures, `${where}: empty .benefit-figures`);
      }
      if (card.status === 'not-started') {
        assert.equal(card.countdown, null, `${where}: a not-started add-on has no deadline`);
      } else if (card.countdown !== null) {
        const deadline = Date.parse(card.countdown);
        assert.ok(!Number.isNaN(deadline), `${where}: unreadable datetime ${card.countdown}`);
      }
      if (card.status === 'active' || card.status === 'scheduled') {
        assert.ok(card.countdown, `${where}: an ${card.status} add-on needs a countdown`);
      }
    }
    assert.equal(cards.length, instances.length, 'one card per simulator instance, no more');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('screenshots at phone and desktop sizes; no sideways scrolling on a phone', async () => {
    const instances = await simulatorInstances(ENDPOINT);
    mkdirSync(SCREENSHOTS, { recursive: true });
    const sizes = [
      { file: 'phone.png', viewport: { width: 375, height: 812 }, isMobile: true },
      { file: 'desktop.png', viewport: { width: 1280, height: 800 }, isMobile: false },
    ];

    for (const { file, viewport, isMobile } of sizes) {
      const context = await browser.newContext({ viewport, isMobile, deviceScaleFactor: 1 });
      const { page, errors } = await openWidget(context, instances.length);
      await page.evaluate(() => document.fonts.ready);

      await page.screenshot({ path: path.join(SCREENSHOTS, file), fullPage: true });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );

      assert.ok(overflow <= 0, `${file}: the page scrolls sideways by ${overflow}px`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  });

  test('a reload while offline still shows the cards kept from the last visit', async () => {
    const instances = await simulatorInstances(ENDPOINT);
    const context = await browser.newContext();
    const { page, errors } = await openWidget(context, instances.length, OFFLINE_NOISE);
    const online = (await renderedCards(page)).map((card) => card.uniqueId).sort();
    // The service worker must be active before the network goes, or nothing serves the page.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));

    await context.setOffline(true);
    try {
      await page.reload();
    } catch (error) {
      assert.fail(`reloading offline failed (is the service worker caching the page?): ${error}`);
    }
    await waitForCards(page, instances.length, errors);
    const offline = (await renderedCards(page)).map((card) => card.uniqueId).sort();

    assert.deepEqual(offline, online);
    assert.ok(await page.locator('[data-testid=as-of]').first().isVisible(), 'age of the data');
    assert.deepEqual(errors, []);
    await context.setOffline(false);
    await context.close();
  });

  test('cached cards appear before a slow API answers', async () => {
    const instances = await simulatorInstances(ENDPOINT);
    // Requests a service worker makes bypass page.route, so keep it out of this test.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const { page, errors } = await openWidget(context, instances.length);
    let apiAnswered = false;
    await page.route('**/api/**', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, API_DELAY_MS));
      apiAnswered = true;
      await route.continue().catch(() => {});
    });

    await page.reload({ waitUntil: 'domcontentloaded' });
    await waitForCards(page, instances.length, errors, API_DELAY_MS + 10_000);
    const shownBeforeApi = !apiAnswered;

    assert.ok(shownBeforeApi, 'cards should come from localStorage before the API answers');
    await page.waitForLoadState('networkidle');
    await page.unrouteAll({ behavior: 'wait' });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('has no serious or critical accessibility violations (axe-core)', async () => {
    const instances = await simulatorInstances(ENDPOINT);
    // The page's CSP rightly refuses inline scripts; let the axe-core script in anyway.
    const context = await browser.newContext({ bypassCSP: true });
    const { page, errors } = await openWidget(context, instances.length);

    await page.addScriptTag({ path: path.join(repoRoot, 'node_modules/axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => {
          const where = v.nodes.map((node) => node.target).join(', ');
          return `${v.id} (${v.impact}): ${v.help} at ${where}`;
        });
    });

    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
