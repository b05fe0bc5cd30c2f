// Starts the real proxy binary (with its in-process SFT simulator) for one test file,
// and makes sure it is stopped afterwards, even when a test fails or the runner dies.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, two directories above this file's folder. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where each proxy's log is written when it stops. */
const LOG_DIR = path.join(repoRoot, 'target', 'e2e');

const HEALTH_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** Environment variables that would point the proxy at a real SFT instead of the simulator. */
const REAL_SFT_VARIABLES = ['SFT_URL', 'SFT_USERNAME', 'SFT_PASSWORD'];

/**
 * Where the proxy binary and the built widget are. `cargo xtask test` sets both
 * variables; the defaults match its build layout so the test also runs by hand.
 */
export function buildPaths() {
  const binary =
    process.env.ADDON_USAGE_PROXY_BIN ?? path.join(repoRoot, 'target/debug/addon-usage-proxy');
  const widgetDir = process.env.ADDON_USAGE_WIDGET_DIR ?? path.join(repoRoot, 'dist');

  if (!existsSync(binary)) {
    throw new Error(
      `proxy binary not found at ${binary}; run \`cargo build -p addon-usage-proxy\` ` +
        'or `cargo xtask test`',
    );
  }
  if (!existsSync(path.join(widgetDir, 'index.html'))) {
    throw new Error(
      `no built widget in ${widgetDir}; run \`trunk build index.html --release\` ` +
        'or `cargo xtask test`',
    );
  }
  return { binary, widgetDir };
}

/** Asks the kernel for `count` distinct free TCP ports on 127.0.0.1. */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/**
 * Starts the proxy in simulator mode with a frozen simulator clock, and waits until its
 * `/healthz` answers. Resolves to `{ url, simulatorUrl, log, stop }`. `extraArgs` are
 * appended to the proxy's command line (such as `['--rate-limit-per-min', '0']`).
 */
export async function startProxy({ extraArgs = [] } = {}) {
  const { binary, widgetDir } = buildPaths();
  const [port, simulatorPort] = await freePorts(2);
  const env = { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info' };
  for (const name of REAL_SFT_VARIABLES) {
    delete env[name];
  }

  const args = [
    '--listen',
    `127.0.0.1:${port}`,
    '--simulator-listen',
    `127.0.0.1:${simulatorPort}`,
    '--simulator-frozen-clock',
    '--widget-dir',
    widgetDir,
    ...extraArgs,
  ];
  const child = spawn(binary, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });

  const lines = [];
  const keep = (chunk) => lines.push(chunk.toString());
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const log = () => lines.join('');

  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    // Kept for reading after a failure; the run's output only says what the test saw.
    mkdirSync(LOG_DIR, { recursive: true });
    writeFileSync(path.join(LOG_DIR, `proxy-${port}.log`), log());
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, exited, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, simulatorUrl: `http://127.0.0.1:${simulatorPort}`, log, stop };
}

/** A demo traveler token from the proxy (simulator mode only), for calling `/api/v1`. */
export async function demoToken(proxyUrl) {
  const { token } = await getJson(`${proxyUrl}/demo/token`);
  return token;
}

async function waitForHealth(url, exited, log) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let early = null;
  exited.then((how) => {
    early = how;
  });

  while (Date.now() < deadline) {
    if (early) {
      throw new Error(
        `the proxy exited (code ${early.code}, signal ${early.signal}) before answering ` +
          `/healthz; its log:\n${log()}`,
      );
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the proxy did not answer ${url}/healthz within 30 s; its log:\n${log()}`);
}

/**
 * GETs `url` and parses JSON, failing with the status and body when not 2xx. With `token`,
 * sends it as the traveler's bearer token (the proxy's `/api/v1` routes require one).
 */
export async function getJson(url, token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (!response.ok) {
    throw new Error(`GET ${url} answered ${response.status}: ${body}`);
  }
  return JSON.parse(body);
}
