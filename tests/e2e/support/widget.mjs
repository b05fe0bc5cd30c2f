// Helpers shared by the view, refresh, embed and hostile end-to-end tests: reading the
// widget through its open shadow root (Playwright's CSS selectors pierce it), driving the
// simulator's control routes, counting requests, and the console lines a test expects.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

/** The demo traveler's endpoints: the one with add-ons in every state, and the other. */
export const EUROPE = '880154';
export const JAPAN = '880299';

/** The demo's 10 GB add-on on the Europe eSIM: active, with counters and a purchase. */
export const TEN_GB = '5512001';

/** Every card of every widget on the page. */
export const CARD = 'addon-usage article.addon-card';

/** The card of `uniqueId` (in the first widget that has it). */
export const cardOf = (uniqueId) => `${CARD}[data-unique-id="${uniqueId}"]`;

/** Flags that keep the proxy out of the way of browser tests: no per-traveler rate limit. */
export const NO_RATE_LIMIT = ['--rate-limit-per-min', '0'];

/** Chromium's log line for a request the network refused while offline. */
export const OFFLINE_NOISE = [
  new RegExp(
    String.raw`^console\.error: Failed to load resource: net::ERR_INTERNET_DISCONNECTED ` +
      String.raw`\(http://127\.0\.0\.1:\d+/`,
  ),
];

/** Chromium's log line for an API answer with an error status (faults the test injected). */
export const API_ERROR_NOISE = [
  new RegExp(
    String.raw`^console\.error: Failed to load resource: the server responded with a status ` +
      String.raw`of (429|50\d) \(.*\) \(http://127\.0\.0\.1:\d+/api/v1/`,
  ),
];

/**
 * Waits until the page shows at least `min` cards (exactly `count` when given); on
 * time-out, says what the page showed instead, and the page's errors when given.
 */
export async function waitForCards(
  page,
  { selector = CARD, min = 1, count, timeout = 15_000, errors = [] } = {},
) {
  const cards = page.locator(selector);
  const deadline = Date.now() + timeout;
  for (;;) {
    const seen = await cards.count();
    if (count === undefined ? seen >= min : seen === count) {
      return seen;
    }
    if (Date.now() > deadline) {
      const text = await page
        .evaluate(() =>
          [...document.querySelectorAll('addon-usage')]
            .map((host) => host.shadowRoot?.textContent ?? '(no shadow root)')
            .join(' | '),
        )
        .catch((error) => `unreadable: ${error.message}`);
      throw new Error(
        `expected ${count ?? `at least ${min}`} cards (${selector}) within ${timeout} ms; ` +
          `saw ${seen}; the widget showed: "${text.slice(0, 600)}"` +
          (errors.length ? `; page errors so far: ${errors.slice(0, 3).join(' | ')}` : ''),
      );
    }
    await page.waitForTimeout(100);
  }
}

/** Every card's id, status, name and benefit figures, in page order. */
export async function readCards(page, selector = CARD) {
  return page.locator(selector).evaluateAll((cards) =>
    cards.map((card) => ({
      uniqueId: card.dataset.uniqueId,
      status: card.dataset.status,
      name: card.querySelector('.addon-name')?.textContent.trim() ?? null,
      benefits: [...card.querySelectorAll('.benefit')].map((benefit) => ({
        kind: benefit.dataset.kind,
        remaining: benefit.dataset.remaining,
        total: benefit.dataset.total,
        figures: benefit.querySelector('.benefit-figures')?.textContent.trim() ?? '',
      })),
    })),
  );
}

/** The simulator's control routes (`/sim/...`) of a proxy started by `startProxy`. */
export function simulator(proxy) {
  const call = async (method, path, body) => {
    const response = await fetch(`${proxy.simulatorUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text);
  };
  return {
    /** Moves the simulator's clock forward by `minutes`. */
    advance: (minutes) => call('POST', '/sim/clock/advance', { minutes }),
    /** Sets the fault switches; `{}` clears them. */
    faults: (faults) => call('POST', '/sim/faults', faults),
    /** How many login, refresh and details calls SFT served. */
    calls: () => call('GET', '/sim/calls'),
    /** The instances the simulator holds for `endpointId`. */
    instances: (endpointId) => call('GET', `/sim/endpoints/${endpointId}`),
  };
}

/**
 * Records the URLs of every request `page` makes whose URL matches `pattern` (a RegExp);
 * `count(re)` counts those matching a narrower pattern.
 */
export function recordRequests(page, pattern = /\/api\/v1\//) {
  const urls = [];
  page.on('request', (request) => {
    if (pattern.test(request.url())) {
      urls.push(new URL(request.url()).pathname);
    }
  });
  return { urls, count: (narrower) => urls.filter((url) => narrower.test(url)).length };
}

/** A path's addons route, as a RegExp for `recordRequests(...).count`. */
export const addonsPath = (endpointId) => new RegExp(`/api/v1/endpoints/${endpointId}/addons$`);

/** The text of the widget's refresh message once it is not empty. */
export async function refreshMessage(page, widget = 'addon-usage', timeout = 10_000) {
  const message = page.locator(`${widget} .refresh-message`).first();
  await page.waitForFunction(
    (el) => el.textContent.trim() !== '',
    await message.elementHandle(),
    { timeout },
  );
  return (await message.textContent()).trim();
}

/**
 * A traveler token the proxy accepts when started with `--jwt-hs256-secret secret`: HS256,
 * audience `addon-usage`, issuer `portal`, valid for 15 minutes.
 */
export function travelerToken(secret, sub, endpoints) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    sub,
    endpoints,
    aud: 'addon-usage',
    iss: 'portal',
    exp: Math.floor(Date.now() / 1000) + 15 * 60,
  };
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  const signature = createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

/** How many cards the demo traveler has on both eSIMs, from the simulator. */
export async function demoCardCount(proxy) {
  const sim = simulator(proxy);
  return (await sim.instances(EUROPE)).length + (await sim.instances(JAPAN)).length;
}

/** The widget's own localStorage keys (`addon-usage.v1.<traveler tag>.<slot>`), sorted. */
export async function widgetKeys(page) {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith('addon-usage.'))
      .sort(),
  );
}
