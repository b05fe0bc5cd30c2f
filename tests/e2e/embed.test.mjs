// End to end, issue 5: the widget as a first-class embed. axe-core finds nothing on any
// view in light and dark; the pages work under the proxy's CSP (also on a second visit,
// when the browser revalidates the page); in the mock portal, host styles stay out of the
// shadow root and the widget's stay out of the host, the host's accent themes the
// widget; the keyboard reaches a card and opens it with a visible focus ring; and
// screenshots of the portal and of the detail view at phone and desktop sizes.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, watchErrors } from './support/browser.mjs';
import { repoRoot, startProxy } from './support/proxy.mjs';
import {
  CARD,
  NO_RATE_LIMIT,
  TEN_GB,
  cardOf,
  demoCardCount,
  waitForCards,
} from './support/widget.mjs';

const SCREENSHOTS = path.join(repoRoot, 'docs', 'screenshots');
/** axe-core's source. The proxy's CSP forbids inline scripts, so `addScriptTag` cannot
 * inject it; DevTools evaluation is not subject to the page's CSP. */
const AXE_SOURCE = readFileSync(path.join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');
/** The mock portal's own colours (demo/portal.css). */
const PORTAL_ACCENT = 'rgb(166, 61, 23)';
const PORTAL_H1 = 'rgb(122, 46, 18)';
const PORTAL_NAV_LINK = 'rgb(242, 201, 160)';
const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, deviceScaleFactor: 1 };
const DESKTOP = { viewport: { width: 1280, height: 800 }, isMobile: false, deviceScaleFactor: 1 };

let proxy;
let browser;
/** Every card of the demo traveler (both eSIMs). */
let allCards;

before(async () => {
  proxy = await startProxy({ extraArgs: NO_RATE_LIMIT });
  browser = await launchBrowser();
  allCards = await demoCardCount(proxy);
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
});

/** Records CSP violations (from any document or shadow root) in `window.__csp`. */
async function watchCsp(context) {
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener(
      'securitypolicyviolation',
      (event) => {
        window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
      },
      true,
    );
  });
}

/** Runs axe-core on the whole document (it enters open shadow roots); every violation. */
async function axeViolations(page) {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.id} (${violation.impact}) at ${JSON.stringify(node.target)}: ` +
          `${(node.failureSummary ?? violation.help).replace(/\s+/g, ' ').trim()}`,
      ),
    );
  });
}

/** The element that has focus, looking inside shadow roots. */
async function deepFocus(page) {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) {
      element = element.shadowRoot.activeElement;
    }
    if (!element) {
      return null;
    }
    const style = getComputedStyle(element);
    return {
      tag: element.tagName.toLowerCase(),
      text: element.textContent.trim().slice(0, 60),
      inCardTitle: Boolean(element.closest('article.addon-card .addon-name')),
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineWidth,
    };
  });
}

describe('embedding: accessibility, CSP, isolation, theming, keyboard, screenshots', () => {
  for (const colorScheme of ['light', 'dark']) {
    test(`axe-core finds no violations on the overview, detail and plan views (${colorScheme})`, async () => {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      const errors = watchErrors(page);
      const found = [];

      await page.goto(proxy.url);
      await waitForCards(page, { count: allCards, errors });
      found.push(...(await axeViolations(page)).map((v) => `overview: ${v}`));

      await page.locator(`${cardOf(TEN_GB)} .addon-name a`).click();
      await page.locator('addon-usage .addon-detail').waitFor();
      found.push(...(await axeViolations(page)).map((v) => `detail: ${v}`));

      await page.locator('addon-usage a.plan-link').click();
      await page.locator('addon-usage .timeline-item').first().waitFor();
      found.push(...(await axeViolations(page)).map((v) => `plan: ${v}`));

      assert.deepEqual(found, []);
      assert.deepEqual(errors, []);
      await context.close();
    });

    test(`axe-core finds no violations in the mock portal (${colorScheme})`, async () => {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      const errors = watchErrors(page);

      await page.goto(`${proxy.url}/portal.html`);
      await waitForCards(page, { count: allCards, errors });

      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test('the pages run under the proxy’s CSP, also on a second visit', async () => {
    const context = await browser.newContext();
    await watchCsp(context);
    const page = await context.newPage();
    const errors = watchErrors(page);

    const response = await page.goto(proxy.url);
    const policy = (await response.allHeaders())['content-security-policy'] ?? '';
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
    assert.match(policy, /style-src 'self'(;|$)/);
    assert.doesNotMatch(policy, /'unsafe-eval'|'unsafe-inline'/);
    await waitForCards(page, { count: allCards, errors });
    await page.locator(`${cardOf(TEN_GB)} .addon-name a`).click();
    await page.locator('addon-usage .addon-detail').waitFor();
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'first visit');

    // A returning traveler: the browser revalidates the page it has cached.
    for (const where of ['/', '/portal.html']) {
      const again = await context.newPage();
      const againErrors = watchErrors(again);
      const answer = await again.goto(`${proxy.url}${where}`);
      const againPolicy = (await answer.allHeaders())['content-security-policy'] ?? '';
      assert.match(
        againPolicy,
        /script-src 'self'/,
        `second visit of ${where}: the page's policy, not "${againPolicy}"`,
      );
      await waitForCards(again, { count: allCards, errors: againErrors });
      assert.deepEqual(await again.evaluate(() => window.__csp), [], `second visit of ${where}`);
      assert.deepEqual(againErrors, [], `second visit of ${where}`);
    }

    assert.deepEqual(errors, []);
    await context.close();
  });

  test('in the portal: host styles stay out, the widget’s stay in, the host’s accent themes it', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${proxy.url}/portal.html`);
    await waitForCards(page, { count: allCards, errors });

    const style = (selector, property) =>
      page.locator(selector).first().evaluate((el, p) => getComputedStyle(el)[p], property);

    assert.doesNotMatch(await style(`${CARD} .addon-name`, 'fontFamily'), /Georgia/);
    assert.doesNotMatch(await style(`${CARD} .benefit-figures`, 'fontFamily'), /Georgia/);
    assert.notEqual(await style(`${CARD} .addon-name a`, 'color'), PORTAL_H1, 'host link colour');
    assert.equal(await style('main.portal-main > h1', 'color'), PORTAL_H1, 'host h1 unchanged');
    assert.match(await style('main.portal-main > h1', 'fontFamily'), /Georgia/);
    assert.equal(await style('.portal-header nav a', 'color'), PORTAL_NAV_LINK, 'host links');

    const primary = `${CARD} li.warning button.button--small`;
    assert.ok((await page.locator(primary).count()) > 0, 'a warning with an action is shown');
    assert.equal(await style(primary, 'backgroundColor'), PORTAL_ACCENT, 'accent from the host');

    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the keyboard reaches a card title, focus is visible, Enter opens the detail', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const url = `${proxy.url}/portal.html`;
    await page.goto(url);
    await waitForCards(page, { count: allCards, errors });

    let focused = null;
    const path = [];
    for (let presses = 0; presses < 40 && !focused?.inCardTitle; presses += 1) {
      await page.keyboard.press('Tab');
      focused = await deepFocus(page);
      path.push(`${focused?.tag}:${focused?.text}`);
    }
    assert.ok(focused?.inCardTitle, `Tab should reach a card title link; went ${path.join(' → ')}`);
    assert.equal(focused.tag, 'a');
    assert.notEqual(focused.outlineStyle, 'none', 'the focused link shows a focus ring');
    assert.notEqual(focused.outlineWidth, '0px', 'the focus ring has a width');

    const title = focused.text;
    await page.keyboard.press('Enter');
    const detail = page.locator('addon-usage .addon-detail');
    await detail.waitFor({ timeout: 5_000 });
    assert.equal((await detail.locator('h2.addon-name').textContent()).trim(), title);
    assert.equal(page.url(), url, 'in the portal (state mode) the host URL never changes');

    assert.deepEqual(errors, []);
    await context.close();
  });

  test('screenshots: the portal at phone and desktop sizes, the detail view on a phone', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const shots = [
      { file: 'portal-phone.png', options: PHONE, path: '/portal.html' },
      { file: 'portal-desktop.png', options: DESKTOP, path: '/portal.html' },
      { file: 'detail-phone.png', options: PHONE, path: '/', open: TEN_GB },
    ];

    for (const { file, options, path: where, open } of shots) {
      const context = await browser.newContext({ ...options, colorScheme: 'light' });
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${proxy.url}${where}`);
      await waitForCards(page, { count: allCards, errors });
      if (open) {
        await page.locator(`${cardOf(open)} .addon-name a`).click();
        await page.locator('addon-usage .addon-detail').waitFor();
      }
      await page.evaluate(() => document.fonts.ready.then(() => true));

      await page.screenshot({ path: path.join(SCREENSHOTS, file), fullPage: true });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `${file}: the page scrolls sideways by ${overflow}px`);
      assert.deepEqual(errors, [], file);
      await context.close();
    }
  });
});
