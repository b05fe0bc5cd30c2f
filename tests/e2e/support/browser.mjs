// Launches Debian's Chromium through playwright-core (never a downloaded browser) and
// records every page error and console error, which each test asserts is empty.

import { chromium } from 'playwright-core';

/** Flags that let Chromium run headless as root in a container without a GPU. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--no-first-run',
];

/** Starts a headless Chromium from `ADDON_USAGE_CHROMIUM` (default /usr/bin/chromium). */
export async function launchBrowser() {
  const executablePath = process.env.ADDON_USAGE_CHROMIUM ?? '/usr/bin/chromium';
  try {
    return await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    throw new Error(
      `could not start Chromium at ${executablePath}; install Debian's chromium package ` +
        `(cargo xtask test does it when run as root). Cause: ${error.message}`,
    );
  }
}

/**
 * Collects uncaught page errors and console errors of `page`. `allowed` is a list of
 * regular expressions for errors a test expects (such as failed requests while offline).
 */
export function watchErrors(page, allowed = []) {
  const errors = [];
  const expected = (text) => allowed.some((pattern) => pattern.test(text));

  page.on('pageerror', (error) => {
    const text = `pageerror: ${error.message}`;
    if (!expected(text)) {
      errors.push(text);
    }
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') {
      return;
    }
    const where = message.location()?.url ?? '';
    const text = `console.error: ${message.text()}${where ? ` (${where})` : ''}`;
    if (!expected(text)) {
      errors.push(text);
    }
  });
  return errors;
}
