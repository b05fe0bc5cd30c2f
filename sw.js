// addon-usage offline shell: keeps the standalone page's own files so that a reload
// without a network still shows the last figures (they live in localStorage).
// Network first, cache as the fallback; the API is never cached here.
const SHELL = "addon-usage-shell-v1";

async function cacheShell() {
  const cache = await caches.open(SHELL);
  const page = await fetch("./", { cache: "no-cache" });
  if (!page.ok) return;
  const html = await page.clone().text();
  await cache.put("./", page);
  const files = [...html.matchAll(/(?:href|src)="(\/?[^":]+\.(?:js|wasm|css))"/g)].map((m) => m[1]);
  await cache.addAll(files);
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Only the page and its own files: never API answers or tokens (they are personal and
  // live in the widget's own storage, or nowhere).
  const own = url.origin === self.location.origin;
  const shellFile = /\.(?:js|wasm|css|html)$/.test(url.pathname) && !url.pathname.startsWith("/demo/");
  if (request.method !== "GET" || !own || !(request.mode === "navigate" || shellFile)) return;

  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          const key = request.mode === "navigate" ? "./" : request;
          caches.open(SHELL).then((cache) => cache.put(key, copy));
        }
        return response;
      })
      .catch(async () => {
        const hit = await caches.match(request.mode === "navigate" ? "./" : request);
        return hit || Response.error();
      }),
  );
});
