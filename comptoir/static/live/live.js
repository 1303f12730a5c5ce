// Live updates: one EventSource per page for the topics of <body data-live-topics="…">.
// Each event {kind, topics, payload}:
//   - is dispatched on document as a "live:<kind>" CustomEvent (detail = the event);
//   - refreshes, through HTMX, every element with data-live-refresh="<kind> …" (the element
//     declares hx-get and hx-trigger="live-refresh");
//   - is announced in the page's aria-live region (#live-region).
(function () {
  const body = document.body;
  const url = body.dataset.liveUrl;
  const topics = Array.from(new Set((body.dataset.liveTopics || "").split(/[\s,]+/).filter(Boolean)));
  if (!url || !topics.length || !window.EventSource) { return; }

  let messages = {};
  try { messages = JSON.parse(body.dataset.liveMessages || "{}"); } catch (error) { messages = {}; }
  const me = body.dataset.liveUser || "";
  const timers = new WeakMap();

  function announce(data) {
    const live = document.getElementById("live-region");
    const payload = data.payload || {};
    if (!live || (me && String(payload.by || "") === me)) { return; }  // one's own change: already said
    let text = payload.announce;
    if (!text) {
      const template = messages[data.kind + "." + (payload.change || "")] || messages[data.kind] || "";
      if (template && (payload.subject || template.indexOf("%(subject)s") < 0)) {
        text = template.replace("%(subject)s", payload.subject || "");
      } else {
        text = messages[""] || "";
      }
    }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  // Where the focus was inside a refreshed element, to put it back after the swap.
  function focusKey(container) {
    const active = document.activeElement;
    if (!active || active === document.body || !container.contains(active)) { return null; }
    const anchor = active.closest("[data-live-key]");
    return {
      id: active.id,
      anchor: anchor ? anchor.getAttribute("data-live-key") : null,
      tag: active.tagName,
      name: active.getAttribute("name"),
      value: active.getAttribute("value"),
      href: active.getAttribute("href"),
      self: anchor === active,
    };
  }

  function restoreFocus(key) {
    if (!key || (document.activeElement && document.activeElement !== document.body)) { return; }
    let target = key.id ? document.getElementById(key.id) : null;
    if (!target && key.anchor) {
      const anchor = document.querySelector('[data-live-key="' + CSS.escape(key.anchor) + '"]');
      if (anchor && !key.self) {
        target = Array.from(anchor.querySelectorAll(key.tag)).find(function (el) {
          return el.getAttribute("name") === key.name && el.getAttribute("value") === key.value &&
            el.getAttribute("href") === key.href;
        }) || null;
      }
      target = target || anchor;
    }
    if (target) { target.focus({ preventScroll: true }); }
  }

  function refresh(el, data) {
    if (timers.has(el)) { window.clearTimeout(timers.get(el)); }
    // A burst of events (a whole day moved) refreshes once.
    timers.set(el, window.setTimeout(function () {
      timers.delete(el);
      if (!el.isConnected || !window.htmx) { return; }
      const key = focusKey(el);
      if (key) {
        document.addEventListener("htmx:afterSettle", function () { restoreFocus(key); }, { once: true });
      }
      window.htmx.trigger(el, "live-refresh", { live: data });
    }, 120));
  }

  function handle(message) {
    let data;
    try { data = JSON.parse(message.data); } catch (error) { return; }
    if (!data || !data.kind) { return; }
    document.dispatchEvent(new CustomEvent("live:" + data.kind, { detail: data }));
    document.querySelectorAll("[data-live-refresh]").forEach(function (el) {
      if (el.getAttribute("data-live-refresh").split(/\s+/).indexOf(data.kind) >= 0) { refresh(el, data); }
    });
    announce(data);
  }

  let address = url + "?topics=" + encodeURIComponent(topics.join(","));
  if (body.dataset.liveSince) { address += "&since=" + encodeURIComponent(body.dataset.liveSince); }
  const source = new EventSource(address);
  source.onmessage = handle;
  source.onopen = function () { body.dataset.liveState = "open"; };
  source.onerror = function () { body.dataset.liveState = source.readyState === EventSource.CLOSED ? "closed" : "reconnecting"; };
  window.ComptoirLive = { source: source, topics: topics };
})();
