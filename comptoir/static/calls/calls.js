// Calls that pop up: on a "call" live event (see live.js), the caller's card is fetched and
// shown in #call-popup, without ever taking the keyboard focus. The card shrinks to a pill in
// the top bar ("☎ C. Durand · 03:12") and follows the agent from page to page (sessionStorage)
// until closed.
(function () {
  const popup = document.getElementById("call-popup");
  const pill = document.getElementById("call-pill");
  if (!popup || !pill) { return; }
  const KEY = "comptoir.call";
  const pillText = pill.querySelector("[data-call-pill-text]");
  let state = read();
  let elapsed = 0;
  let loadedAt = 0;

  function read() {
    try { return JSON.parse(window.sessionStorage.getItem(KEY) || "null"); } catch (error) { return null; }
  }
  function save() {
    try {
      if (state) { window.sessionStorage.setItem(KEY, JSON.stringify(state)); } else { window.sessionStorage.removeItem(KEY); }
    } catch (error) { /* private mode: the card simply does not follow across pages */ }
  }
  function cardUrl(id) { return popup.dataset.cardUrl.replace("/0/", "/" + encodeURIComponent(id) + "/"); }
  function card() { return popup.querySelector(".call-card"); }
  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
    const ss = String(s % 60).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  function tick() {
    const current = card();
    if (!current) { return; }
    const status = current.dataset.callStatus;
    const timer = current.querySelector("[data-call-timer]");
    let label = timer ? timer.textContent.trim() : "";
    if (status === "answered") {
      label = clock(elapsed + (Date.now() - loadedAt) / 1000);
      if (timer) { timer.textContent = label; }
    }
    const parts = [current.dataset.callPill];
    if (current.dataset.callHeading) { parts.push(current.dataset.callHeading); }
    if (label) { parts.push(label); }
    pillText.textContent = parts.join(" · ");
  }

  function show() {
    const open = Boolean(state) && Boolean(card());
    popup.hidden = !open || state.minimized;
    pill.hidden = !open || !state.minimized;
    pill.setAttribute("aria-expanded", String(open && !state.minimized));
  }

  function adopt() {
    const current = card();
    if (!current) { return; }
    elapsed = Number(current.dataset.callElapsed || 0);
    loadedAt = Date.now();
    tick();
  }

  function load(id) {
    return window.fetch(cardUrl(id), { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (!state || state.id !== id) { return; }
        popup.innerHTML = html;
        if (window.htmx) { window.htmx.process(popup); }
        adopt();
        show();
        popup.dataset.shownAt = String(Date.now());
      })
      .catch(function () {
        if (state && state.id === id) { state = null; save(); popup.innerHTML = ""; show(); }
      });
  }

  document.addEventListener("live:call", function (event) {
    const payload = (event.detail && event.detail.payload) || {};
    if (!payload.id) { return; }
    if (payload.event === "ringing") {
      if (!state || state.id !== payload.id) { state = { id: payload.id, minimized: false }; save(); }
      load(payload.id);
    } else if (state && state.id === payload.id) {
      load(payload.id);
    }
  });

  popup.addEventListener("click", function (event) {
    if (event.target.closest("[data-call-close]")) {
      state = null;
      save();
      popup.innerHTML = "";
      show();
    } else if (event.target.closest("[data-call-minimize]")) {
      state.minimized = true;
      save();
      show();
      pill.focus();  // asked for by the click: the focus follows what it shrank into
    } else if (event.target.closest("[data-call-attach]")) {
      const button = event.target.closest("[data-call-attach]");
      const box = document.getElementById(button.getAttribute("aria-controls"));
      if (box) {
        box.hidden = !box.hidden;
        button.setAttribute("aria-expanded", String(!box.hidden));
        if (!box.hidden) { const input = box.querySelector("input"); if (input) { input.focus(); } }
      }
    }
  });
  popup.addEventListener("htmx:afterSwap", adopt);

  pill.addEventListener("click", function () {
    if (!state) { return; }
    state.minimized = false;
    save();
    show();
  });

  window.setInterval(tick, 1000);
  if (state && state.id) { load(state.id); }
})();
