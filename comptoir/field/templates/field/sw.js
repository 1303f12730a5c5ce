/* Comptoir technician app service worker: the shell and today's visits stay available offline. */
const VERSION = "{{ version }}";
const SHELL_CACHE = "field-shell-" + VERSION;
const PAGES_CACHE = "field-pages";
const SCOPE = "{{ offline_url }}";
// The shell: static files and the JavaScript translations in the user's language.
const SHELL = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
// The page shown for a page never kept on the phone, in the user's language.
const OFFLINE_LANG = "{{ offline.language|escapejs }}";
const OFFLINE_TITLE = "{{ offline.title|escapejs }}";
const OFFLINE_TEXT = "{{ offline.text|escapejs }}";
const OFFLINE_BACK = "{{ offline.back|escapejs }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("field-shell-") && k !== SHELL_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isPage(request, url) {
  return request.mode === "navigate" || (url.pathname.startsWith(SCOPE) && (request.headers.get("accept") || "").includes("text/html"));
}

async function networkFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && response.type === "basic") {
      cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    // Django answers "Vary: Cookie": the key stored by the page has no cookie header.
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) return cached;
    if (request.mode === "navigate") {
      const home = await caches.match(SCOPE, { ignoreVary: true });
      if (home) return home;
    }
    return new Response(
      "<!doctype html><html lang='" + OFFLINE_LANG + "'><meta charset=utf-8><meta name=viewport content='width=device-width'><title>" + OFFLINE_TITLE + "</title>" +
      "<p style='font-family:sans-serif;padding:1rem'>" + OFFLINE_TEXT + " " +
      "<a href='" + SCOPE + "'>" + OFFLINE_BACK + "</a></p>",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
    );
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(SHELL_CACHE)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.startsWith(SCOPE) && !url.pathname.endsWith("/pdf/") && url.pathname !== SCOPE + "sw.js") {
    event.respondWith(networkFirst(request, PAGES_CACHE));
  } else if (isPage(request, url)) {
    event.respondWith(networkFirst(request, PAGES_CACHE));
  }
});
