// Coalescing under a burst, for `cargo xtask bench`: `count` concurrent requests for one
// endpoint whose answer the proxy has not cached yet, and how many SFT calls they caused.
//
//   node tests/bench/burst.mjs <proxy-url> <simulator-url> <count>
//
// Reads the simulator's `/sim/calls` before and after. Prints `figure <name> <value>`
// lines. Only 127.0.0.1; every request has a time-out.

const [proxyUrl, simulatorUrl, countText] = process.argv.slice(2);
const count = Number(countText);
if (!proxyUrl || !simulatorUrl || !Number.isInteger(count) || count < 1) {
  console.error('usage: node tests/bench/burst.mjs <proxy-url> <simulator-url> <count>');
  process.exit(2);
}

const TIMEOUT_MS = 60_000;

async function getJson(url, token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) {
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
  return response.json();
}

async function main() {
  const { token } = await getJson(`${proxyUrl}/demo/token`);
  const { endpoints } = await getJson(`${proxyUrl}/api/v1/traveler`, token);
  // The last endpoint: the traveler call above does not read add-ons, so it is cold.
  const endpoint = endpoints[endpoints.length - 1].id;
  const before = await getJson(`${simulatorUrl}/sim/calls`);

  const started = performance.now();
  const url = `${proxyUrl}/api/v1/endpoints/${endpoint}/addons`;
  const results = await Promise.allSettled(
    Array.from({ length: count }, () =>
      fetch(url, {
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }).then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      }),
    ),
  );
  const took = performance.now() - started;
  const after = await getJson(`${simulatorUrl}/sim/calls`);

  const ok = results.filter((r) => r.status === 'fulfilled' && r.value === 200).length;
  console.log(`figure burst_requests ${count}`);
  console.log(`figure burst_ok ${ok}`);
  console.log(`figure burst_ms ${took.toFixed(1)}`);
  console.log(`figure burst_sft_details ${after.details - before.details}`);
  console.log(`figure burst_sft_logins ${after.login - before.login}`);
  console.log(`figure burst_sft_refreshes ${after.refresh - before.refresh}`);
  if (ok !== count) {
    const failures = results
      .filter((r) => r.status !== 'fulfilled' || r.value !== 200)
      .slice(0, 3)
      .map((r) => (r.status === 'fulfilled' ? `HTTP ${r.value}` : String(r.reason)));
    console.error(`bench(burst): ${count - ok} requests failed, e.g. ${failures.join('; ')}`);
  }
}

main().catch((error) => {
  console.error(`bench(burst): ${error.stack ?? error}`);
  process.exit(1);
});
