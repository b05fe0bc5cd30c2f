// Browser measurements for `cargo xtask bench`: first paint, rendering, the countdown tick
// and the JS heap, in Debian's headless Chromium driven by playwright-core.
//
//   node tests/bench/browser.mjs <proxy-url> <www-dir>
//
// <proxy-url> is a running proxy (simulator mode) serving <www-dir>, a copy of the built
// widget; this script writes bench-static.html there (the floor page). Every figure is one
// stdout line `figure <name> <value>`; progress goes to stderr. Everything targets the
// proxy on 127.0.0.1; each wait is bounded and the browser is closed at the end.

import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

const [proxyUrl, wwwDir] = process.argv.slice(2);
if (!proxyUrl || !wwwDir) {
  console.error('usage: node tests/bench/browser.mjs <proxy-url> <www-dir>');
  process.exit(2);
}

/** Page loads per first-paint variant; the median is reported. */
const PAINT_RUNS = Number(process.env.BENCH_PAINT_RUNS ?? 15);
/** Page loads per rendering size; the median is reported. */
const RENDER_RUNS = Number(process.env.BENCH_RENDER_RUNS ?? 5);
/** Countdown ticks sampled per card count. */
const TICK_SAMPLES = Number(process.env.BENCH_TICK_SAMPLES ?? 15);
/** How long the API answers are held back in the warm-cache variant. */
const API_DELAY_MS = 2_000;
/** Simulated time for the heap figure. */
const SIMULATED_MS = 10 * 60 * 1_000;
/** Any single wait in the page. */
const WAIT_MS = 30_000;
/** The endpoint of the synthetic snapshots; not one of the simulator's. */
const SYNTHETIC_ENDPOINT = '900000001';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--no-first-run',
  '--enable-precise-memory-info',
];

function figure(name, value) {
  const shown = typeof value === 'number' ? Number(value.toFixed(3)) : value;
  console.log(`figure ${name} ${shown}`);
}

function progress(message) {
  console.error(`bench(browser): ${message}`);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ---------------------------------------------------------------------------------------
// Scripts that run in the page before any of its own.

/**
 * Records `window.__firstCard`: performance.now() (ms since navigation start) of the first
 * animation frame in which a `.addon-card` inside `<addon-usage>`'s shadow root has a box.
 */
function firstCardProbe() {
  const visible = () => {
    const card = document.querySelector('addon-usage')?.shadowRoot?.querySelector('.addon-card');
    if (!card) return false;
    const box = card.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const frame = () => {
    if (visible()) {
      window.__firstCard = performance.now();
    } else {
      requestAnimationFrame(frame);
    }
  };
  requestAnimationFrame(frame);
}

/**
 * Instruments the widget for the rendering figures:
 * - `__renderedAt`: performance.now() when the shadow root first held `expected` cards,
 *   taken in the MutationObserver callback right after the DOM change, after a forced
 *   style and layout pass (cards are no longer counted after that);
 * - `__ticks`: per run of a one-second interval callback, the script time (callback plus
 *   the microtasks it queued, closed by a MessageChannel task), the style and layout time
 *   forced right after, and the DOM mutations and `Intl` objects it caused;
 * - `__wasmMemory`: the widget's WebAssembly memory (from Trunk's start event).
 */
function renderProbe(expected) {
  window.__renderedAt = undefined;
  window.__ticks = [];
  window.__mutations = 0;
  window.__noopTicks = [];

  // Counts `new Intl.*(…)`, a known cost when done per formatted value.
  window.__intlBuilt = 0;
  for (const name of ['NumberFormat', 'PluralRules', 'DateTimeFormat', 'RelativeTimeFormat']) {
    const original = Intl[name];
    if (typeof original !== 'function') continue;
    Intl[name] = new Proxy(original, {
      construct(target, args, newTarget) {
        window.__intlBuilt += 1;
        return Reflect.construct(target, args, newTarget === Intl[name] ? target : newTarget);
      },
    });
  }

  addEventListener('TrunkApplicationStarted', (event) => {
    window.__wasmMemory = event.detail?.wasm?.memory;
  });

  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    if (this.localName === 'addon-usage') {
      window.__root = root;
      new MutationObserver((records) => {
        window.__mutations += records.length;
        if (window.__renderedAt === undefined
          && root.querySelectorAll('.addon-card').length === expected) {
          root.firstElementChild?.getBoundingClientRect();
          window.__renderedAt = performance.now();
        }
      }).observe(root, { childList: true, subtree: true, characterData: true, attributes: true });
    }
    return root;
  };

  const setInterval = window.setInterval;
  window.setInterval = function (callback, delay, ...rest) {
    if (delay !== 1000 || typeof callback !== 'function') {
      return setInterval.call(this, callback, delay, ...rest);
    }
    const timed = function (...args) {
      const before = window.__mutations;
      const intlBefore = window.__intlBuilt;
      const started = performance.now();
      callback.apply(this, args);
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const scripted = performance.now();
        window.__root?.firstElementChild?.getBoundingClientRect();
        const laidOut = performance.now();
        const sample = {
          script: scripted - started,
          layout: laidOut - scripted,
          mutations: window.__mutations - before,
          intl: window.__intlBuilt - intlBefore,
        };
        (callback.__benchNoop ? window.__noopTicks : window.__ticks).push(sample);
        channel.port1.close();
      };
      channel.port2.postMessage(0);
    };
    return setInterval.call(this, timed, delay, ...rest);
  };
}

// ---------------------------------------------------------------------------------------
// Synthetic answers.

/**
 * `count` add-on instances built from the demo endpoint's real instances (cycled), each
 * with its own uniqueId and addonId so that every one is its own card, and deadlines
 * spread over the next weeks so the countdowns differ.
 */
function syntheticSnapshot(template, count) {
  const now = Date.now();
  const instances = Array.from({ length: count }, (_, index) => {
    const source = template.instances[index % template.instances.length];
    const instance = structuredClone(source);
    instance.uniqueId = String(7_000_000 + index);
    instance.addonId = String(8_000 + index);
    instance.planName = `${source.planName} #${index + 1}`;
    instance.startsAt = new Date(now - 3_600_000 * (index + 1)).toISOString();
    instance.expiresAt = new Date(now + 3_600_000 * (index + 5) + 61_000 * index).toISOString();
    for (const benefit of instance.benefits) {
      benefit.startsAt = instance.startsAt;
      benefit.expiresAt = instance.expiresAt;
      benefit.total = Math.max(1, Math.abs(benefit.total));
      benefit.remaining = Math.floor((benefit.total * ((index * 37) % 100)) / 100);
    }
    return instance;
  });
  return {
    endpointId: SYNTHETIC_ENDPOINT,
    fetchedAt: new Date(now).toISOString(),
    sftTimeZone: template.sftTimeZone,
    instances,
  };
}

/** Answers the widget's API from `snapshot` for one synthetic endpoint. */
async function routeSynthetic(context, snapshot) {
  const traveler = { endpoints: [{ id: SYNTHETIC_ENDPOINT, label: 'Bench eSIM' }], purchases: [] };
  await context.route('**/api/v1/traveler', (route) => route.fulfill({ json: traveler }));
  await context.route('**/api/v1/endpoints/*/addons*', (route) => route.fulfill({ json: snapshot }));
}

// ---------------------------------------------------------------------------------------

async function newContext(browser, options = {}) {
  return browser.newContext({ serviceWorkers: 'block', ...options });
}

async function getJson(url, token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(WAIT_MS) });
  if (!response.ok) {
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
  return response.json();
}

/** Opens the demo once: its localStorage, and its rendered cards as a static page. */
async function prepare(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(proxyUrl);
  await page.waitForFunction(
    () => {
      const root = document.querySelector('addon-usage')?.shadowRoot;
      return root && root.querySelectorAll('section.endpoint').length > 0
        && root.querySelectorAll('.addon-card').length > 0
        && !root.querySelector('[aria-busy=true]');
    },
    null,
    { timeout: WAIT_MS },
  );
  await page.waitForTimeout(500);
  const storage = await context.storageState();
  const { inner, css, cards } = await page.evaluate(() => {
    const root = document.querySelector('addon-usage').shadowRoot;
    const sheets = root.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules]);
    return {
      inner: root.innerHTML,
      css: sheets.map((rule) => rule.cssText).join('\n'),
      cards: root.querySelectorAll('.addon-card').length,
    };
  });
  const head = await page.evaluate(() =>
    [...document.querySelectorAll('link[rel=stylesheet], meta[name=viewport], meta[name=color-scheme]')]
      .map((node) => node.outerHTML.replace(/ integrity="[^"]*"/, ''))
      .join('\n'),
  );
  await context.close();

  // The floor: the same cards and styles as plain HTML, in a declarative shadow root.
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Your add-ons (static)</title><link rel="icon" href="data:,">
${head}
</head>
<body><main class="page"><h1 class="page-title">Connectivity add-ons</h1>
<addon-usage><template shadowrootmode="open"><style>${css}</style>${inner}</template></addon-usage>
</main></body></html>
`;
  writeFileSync(path.join(wwwDir, 'bench-static.html'), html);
  progress(`demo page: ${cards} cards; static copy ${html.length} bytes`);
  return { storage, cards };
}

/** One page load; resolves to the first card's time in ms since navigation start. */
async function firstPaint(browser, variant, storage) {
  const options = variant === 'static' ? { bypassCSP: true } : {};
  if (variant === 'cached') {
    options.storageState = storage;
  }
  const context = await newContext(browser, options);
  try {
    if (variant === 'cached') {
      await context.route('**/api/**', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, API_DELAY_MS));
        await route.continue().catch(() => {});
      });
    }
    await context.addInitScript(firstCardProbe);
    const page = await context.newPage();
    const url = variant === 'static' ? `${proxyUrl}/bench-static.html` : proxyUrl;
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__firstCard !== undefined, null, { timeout: WAIT_MS });
    return await page.evaluate(() => window.__firstCard);
  } finally {
    await context.close();
  }
}

async function measureFirstPaint(browser, storage) {
  const variants = ['static', 'cached', 'uncached'];
  const times = Object.fromEntries(variants.map((v) => [v, []]));
  // Warm-up load of each variant (the proxy's and the OS's file caches), not counted.
  for (const variant of variants) {
    await firstPaint(browser, variant, storage);
  }
  // Interleaved, so that a noisy moment on a shared machine hits every variant alike.
  for (let run = 0; run < PAINT_RUNS; run += 1) {
    for (const variant of variants) {
      times[variant].push(await firstPaint(browser, variant, storage));
    }
  }
  for (const variant of variants) {
    figure(`paint_${variant}_ms`, median(times[variant]));
    figure(`paint_${variant}_min_ms`, Math.min(...times[variant]));
    figure(`paint_${variant}_max_ms`, Math.max(...times[variant]));
    progress(`first card, ${variant}: ${times[variant].map((t) => t.toFixed(0)).join(' ')}`);
  }
  figure('paint_runs', PAINT_RUNS);
}

/** Loads the widget with `count` synthetic cards; leaves the page open for more probing. */
async function openSynthetic(browser, snapshot) {
  const count = snapshot.instances.length;
  const context = await newContext(browser);
  await routeSynthetic(context, snapshot);
  await context.addInitScript(renderProbe, count);
  const page = await context.newPage();
  await page.goto(proxyUrl);
  await page.waitForFunction(() => window.__renderedAt !== undefined, null, {
    timeout: WAIT_MS,
  });
  const rendered = await page.evaluate(() => {
    const answer = performance
      .getEntriesByType('resource')
      .find((entry) => entry.name.includes('/addons'));
    return { done: window.__renderedAt, responseEnd: answer?.responseEnd };
  });
  if (rendered.responseEnd === undefined) {
    throw new Error('no resource timing entry for the add-ons answer');
  }
  return { context, page, renderMs: rendered.done - rendered.responseEnd };
}

/** The floor for rendering: the same cards' HTML set into a fresh shadow root. */
async function staticRender(page, runs) {
  return page.evaluate((runs) => {
    const root = window.__root;
    const html = root.innerHTML;
    const sheets = root.adoptedStyleSheets;
    const times = [];
    for (let run = 0; run < runs; run += 1) {
      const host = document.createElement('div');
      document.body.append(host);
      const fresh = host.attachShadow({ mode: 'open' });
      fresh.adoptedStyleSheets = sheets;
      const started = performance.now();
      fresh.innerHTML = html;
      fresh.firstElementChild?.getBoundingClientRect();
      times.push(performance.now() - started);
      host.remove();
    }
    return times;
  }, runs);
}

async function measureRendering(browser, template) {
  const pages = {};
  for (const count of [15, 200]) {
    const snapshot = syntheticSnapshot(template, count);
    const renders = [];
    let floor = [];
    for (let run = 0; run < RENDER_RUNS; run += 1) {
      const opened = await openSynthetic(browser, snapshot);
      renders.push(opened.renderMs);
      if (run === RENDER_RUNS - 1) {
        floor = await staticRender(opened.page, RENDER_RUNS);
        pages[count] = opened;
      } else {
        await opened.context.close();
      }
    }
    figure(`render_${count}_ms`, median(renders));
    figure(`render_${count}_static_ms`, median(floor));
    progress(`render ${count}: widget ${renders.map((t) => t.toFixed(1)).join(' ')}; ` +
      `innerHTML ${floor.map((t) => t.toFixed(1)).join(' ')}`);
  }
  return pages;
}

/** Waits for `samples` more clock ticks of the page and summarises them. */
async function sampleTicks(page, samples) {
  const from = await page.evaluate(() => window.__ticks.length);
  await page.waitForFunction((n) => window.__ticks.length >= n, from + samples, {
    timeout: (samples + 5) * 1_000,
    polling: 250,
  });
  return page.evaluate((from) => window.__ticks.slice(from), from);
}

async function measureTicks(pages) {
  for (const count of [15, 200]) {
    const { page } = pages[count];
    const ticks = await sampleTicks(page, TICK_SAMPLES);
    const totals = ticks.map((t) => t.script + t.layout);
    figure(`tick_${count}_ms`, median(totals));
    figure(`tick_${count}_p90_ms`, percentile(totals, 90));
    figure(`tick_${count}_script_ms`, median(ticks.map((t) => t.script)));
    figure(`tick_${count}_layout_ms`, median(ticks.map((t) => t.layout)));
    figure(`tick_${count}_mutations`, median(ticks.map((t) => t.mutations)));
    figure(`tick_${count}_intl`, median(ticks.map((t) => t.intl)));
  }

  // The instrument's own floor: an empty one-second callback, timed the same way.
  const { page } = pages[200];
  await page.evaluate(() => {
    const noop = () => {};
    noop.__benchNoop = true;
    window.__noopInterval = window.setInterval(noop, 1000);
  });
  await page.waitForFunction((n) => window.__noopTicks.length >= n, TICK_SAMPLES, {
    timeout: (TICK_SAMPLES + 5) * 1_000,
    polling: 250,
  });
  const noops = await page.evaluate(() => {
    clearInterval(window.__noopInterval);
    return window.__noopTicks;
  });
  figure('tick_noop_ms', median(noops.map((t) => t.script + t.layout)));
  figure('tick_samples', TICK_SAMPLES);
}

/** JS heap (after a forced GC), wasm memory and DOM nodes of the page. */
async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  const page_ = await page.evaluate(() => ({
    wasm: window.__wasmMemory?.buffer.byteLength ?? -1,
    now: Date.now(),
    ticks: window.__ticks.length,
  }));
  return { heap: heap.usedSize, nodes: dom.nodes, listeners: dom.jsEventListeners, ...page_ };
}

/**
 * Ten minutes of ticking with 200 cards on screen, in Chromium's virtual time
 * (Emulation.setVirtualTimePolicy): timers and Date.now() advance as fast as the page can
 * run them, so 600 ticks take seconds of real time.
 */
async function measureHeap(pages) {
  const { page, context } = pages[200];
  const cdp = await context.newCDPSession(page);
  const start = await memory(page, cdp);

  const expired = new Promise((resolve) => cdp.once('Emulation.virtualTimeBudgetExpired', resolve));
  await cdp.send('Emulation.setVirtualTimePolicy', {
    policy: 'advance',
    budget: SIMULATED_MS,
  });
  const realStart = Date.now();
  const timeout = new Promise((_, reject) => {
    setTimeout(() => reject(new Error('virtual time did not run out within 120 s')), 120_000);
  });
  await Promise.race([expired, timeout]);
  const realSecs = (Date.now() - realStart) / 1_000;
  const end = await memory(page, cdp);

  figure('heap_start_bytes', start.heap);
  figure('heap_end_bytes', end.heap);
  figure('heap_wasm_start_bytes', start.wasm);
  figure('heap_wasm_end_bytes', end.wasm);
  figure('heap_nodes_start', start.nodes);
  figure('heap_nodes_end', end.nodes);
  figure('heap_listeners_start', start.listeners);
  figure('heap_listeners_end', end.listeners);
  figure('heap_simulated_secs', (end.now - start.now) / 1_000);
  figure('heap_ticks', end.ticks - start.ticks);
  figure('heap_real_secs', realSecs);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.ADDON_USAGE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    figure('chromium_version', browser.version());
    const { storage, cards } = await prepare(browser);
    figure('paint_cards', cards);

    progress(`first paint: ${PAINT_RUNS} runs of 3 variants`);
    await measureFirstPaint(browser, storage);

    const { token } = await getJson(`${proxyUrl}/demo/token`);
    const { endpoints } = await getJson(`${proxyUrl}/api/v1/traveler`, token);
    const template = await getJson(`${proxyUrl}/api/v1/endpoints/${endpoints[0].id}/addons`, token);

    progress('rendering 15 and 200 cards');
    const pages = await measureRendering(browser, template);
    progress('countdown ticks');
    await measureTicks(pages);
    progress('heap over 10 simulated minutes');
    await measureHeap(pages);
  } finally {
    await browser.close();
  }
}

const deadline = setTimeout(() => {
  console.error('bench(browser): gave up after 15 minutes');
  process.exit(1);
}, 15 * 60 * 1_000);
deadline.unref();

main().catch((error) => {
  console.error(`bench(browser): ${error.stack ?? error}`);
  process.exit(1);
});
