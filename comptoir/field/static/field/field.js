/* Comptoir technician app: offline queue (IndexedDB), sync, photos, signature, report form. */
(function () {
  "use strict";

  // Translations: Django's JavaScript catalogue (loaded just before this file) in the user's
  // language; the French source texts when it could not be loaded.
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate || ((format, values) =>
    format.replace(/%\((\w+)\)s/g, (match, name) => String(values[name])));
  // tr(gettext("… %(name)s …"), {name}): named placeholders (the text must stay in gettext()).
  const tr = (text, values) => interpolate(text, values, true);
  const lang = document.documentElement.lang || "fr";
  const LOCALE = { fr: "fr-FR", en: "en-GB" }[lang] || lang;

  const body = document.body;
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const fmtTime = (d) => d.toLocaleTimeString(LOCALE, { hour: "2-digit", minute: "2-digit" });
  const euros = (n) => new Intl.NumberFormat(LOCALE, { style: "currency", currency: "EUR" }).format(n);
  const announce = (text) => { const r = $("#live-region"); if (r) r.textContent = text; };
  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() :
    "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));

  // --- IndexedDB queue: each item is one multipart POST, identified by its uuid -------------
  const DB_NAME = "comptoir-field";
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const open = indexedDB.open(DB_NAME, 1);
        open.onupgradeneeded = () => open.result.createObjectStore("queue", { keyPath: "uuid" });
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
    }
    return dbPromise;
  }
  async function store(mode) {
    return (await db()).transaction("queue", mode).objectStore("queue");
  }
  const req = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  async function queueAll() { return req((await store("readonly")).getAll()); }
  async function queuePut(item) { return req((await store("readwrite")).put(item)); }
  async function queueDelete(id) { return req((await store("readwrite")).delete(id)); }

  // --- status: online/offline, pending count, last sync --------------------------------------
  const netStatus = $("#net-status");
  const syncStatus = $("#sync-status");
  const banner = $("#offline-banner");
  const LAST_SYNC = "field:last-sync:" + (body.dataset.user || "");

  function showNetwork() {
    const online = navigator.onLine;
    if (netStatus) {
      netStatus.textContent = (online ? "● " : "○ ") + (online ? netStatus.dataset.online : netStatus.dataset.offline);
      netStatus.classList.toggle("offline", !online);
    }
    if (banner) banner.hidden = online;
  }

  async function showQueue() {
    let items = [];
    try { items = await queueAll(); } catch (e) { items = []; }
    const pending = items.filter((i) => i.status !== "error");
    const parts = [];
    const last = localStorage.getItem(LAST_SYNC);
    if (last && syncStatus) parts.push(syncStatus.dataset.synced.replace("{time}", fmtTime(new Date(last))));
    if (pending.length && syncStatus) parts.push(syncStatus.dataset.pending.replace("{count}", pending.length));
    if (syncStatus) syncStatus.textContent = parts.join(" · ") || syncStatus.dataset.never;
    $$("[data-visit-pending]").forEach((el) => {
      el.hidden = !items.some((i) => String(i.visit) === el.dataset.visitPending);
    });
    document.dispatchEvent(new CustomEvent("field:queue", { detail: items }));
    return items;
  }

  // --- sync: send every queued item; the server answers a replay with the same result -------
  let syncing = false;
  async function sync() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      const items = (await queueAll()).filter((i) => i.status !== "error").sort((a, b) => a.created - b.created);
      for (const item of items) {
        const form = new FormData();
        for (const [name, value] of item.fields) form.append(name, value);
        for (const [name, blob, filename] of item.files) form.append(name, blob, filename);
        let response;
        try {
          response = await fetch(item.url, {
            method: "POST", body: form, credentials: "same-origin",
            headers: { "X-CSRFToken": csrf(), "Accept": "application/json" },
          });
        } catch (networkError) {
          break; // still offline: keep everything, try again later
        }
        const isJson = (response.headers.get("content-type") || "").includes("json");
        const data = isJson ? await response.json() : null;
        if (response.ok && data && data.ok) {
          await queueDelete(item.uuid);
          localStorage.setItem(LAST_SYNC, new Date().toISOString());
          document.dispatchEvent(new CustomEvent("field:synced", { detail: { item, data } }));
        } else if (response.status >= 500 || !isJson) {
          if (!isJson && response.status < 500) {
            item.status = "error";
            item.error = gettext("Session expirée : reconnectez-vous, vos saisies restent sur le téléphone.");
            await queuePut(item);
          }
          break;
        } else {
          item.status = "error";
          item.error = (data && data.message) || gettext("Envoi refusé.");
          await queuePut(item);
          document.dispatchEvent(new CustomEvent("field:rejected", { detail: { item, data } }));
        }
      }
    } finally {
      syncing = false;
      await showQueue();
    }
  }

  async function enqueue(item) {
    item.uuid = item.uuid || uuid();
    item.created = Date.now();
    item.status = "pending";
    item.files = item.files || [];
    await queuePut(item);
    await showQueue();
    sync();
    return item;
  }

  window.addEventListener("online", () => { showNetwork(); sync(); });
  window.addEventListener("offline", showNetwork);
  setInterval(() => { if (navigator.onLine) sync(); }, 5000);
  showNetwork();
  showQueue().then(sync);

  // --- service worker and today's pages kept for offline use ---------------------------------
  async function keepToday() {
    const url = body.dataset.todayJson;
    if (!url || !navigator.onLine || !("caches" in window)) return;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.clone().json();
      const cache = await caches.open("field-pages");
      await cache.put(url, response);
      const pages = [body.dataset.scope].concat(data.visits.map((v) => v.url), data.coming.map((v) => v.url));
      await Promise.all(pages.map(async (page) => {
        const r = await fetch(page, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (r.ok && !r.redirected) await cache.put(page, r);
      }));
      body.dataset.offlineReady = "1";
    } catch (e) { /* offline or quota: the next visit tries again */ }
  }
  if ("serviceWorker" in navigator && body.dataset.sw) {
    navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope })
      .then(() => navigator.serviceWorker.ready)
      .then(() => { body.dataset.swReady = "1"; return keepToday(); })
      .catch(() => {});
  }

  // --- images: compressed on the phone to ≤ 1600 px JPEG ------------------------------------
  const MAX_SIDE = 1600;
  async function compress(file) {
    if (!file.type.startsWith("image/")) throw new Error("type");
    let source;
    try {
      source = await createImageBitmap(file);
    } catch (e) {
      throw new Error("type");
    }
    const scale = Math.min(1, MAX_SIDE / Math.max(source.width, source.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(source.width * scale);
    canvas.height = Math.round(source.height * scale);
    canvas.getContext("2d").drawImage(source, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.82));
  }
  const notAnImage = (file) =>
    tr(gettext("« %(name)s » n'est pas une image : prenez une photo JPEG, PNG ou WebP."), { name: file.name });
  function thumb(container, blob, label, onRemove) {
    const fig = document.createElement("figure");
    fig.className = "thumb";
    const img = document.createElement("img");
    img.src = URL.createObjectURL(blob);
    img.alt = label;
    fig.appendChild(img);
    if (onRemove) {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = "thumb-remove";
      btn.textContent = "✕";
      btn.setAttribute("aria-label", tr(gettext("Retirer %(label)s"), { label }));
      btn.addEventListener("click", () => { fig.remove(); onRemove(); });
      fig.appendChild(btn);
    }
    container.appendChild(fig);
  }

  // --- the report form -----------------------------------------------------------------------
  const form = $("#report-form");
  const visitEl = $("[data-visit]");
  const visitId = visitEl ? visitEl.dataset.visit : null;
  if (form) initReport(form);

  function initReport(form) {
    const photos = { before: [], after: [] };
    const stateBox = $("#report-state");
    const missingBox = $("#missing");
    const finish = $("[data-finish]");
    const timerKey = "field:timer:" + visitId;
    const draftKey = "field:draft:" + visitId;
    const catalogue = JSON.parse(($("#catalogue-data") || { textContent: "[]" }).textContent || "[]");
    const byId = Object.fromEntries(catalogue.map((c) => [String(c.id), c]));

    // Timer: kept on the phone, sent through the queue (idempotent on the server).
    let timer = JSON.parse(localStorage.getItem(timerKey) || "{}");
    if (!timer.started && form.dataset.started) timer.started = form.dataset.started;
    if (!timer.ended && form.dataset.ended) timer.ended = form.dataset.ended;
    const timerText = $("[data-timer-text]");
    function showTimer() {
      const start = $('[data-timer="start"]');
      const stop = $('[data-timer="stop"]');
      start.disabled = !!timer.started;
      stop.disabled = !timer.started || !!timer.ended;
      if (timer.started && timer.ended) {
        const minutes = Math.max(1, Math.round((new Date(timer.ended) - new Date(timer.started)) / 60000));
        const h = Math.floor(minutes / 60), m = minutes % 60;
        const duration = h
          ? tr(gettext("%(hours)s h %(minutes)s"), { hours: h, minutes: String(m).padStart(2, "0") })
          : tr(gettext("%(minutes)s min"), { minutes: m });
        timerText.textContent = timerText.dataset.labelEnded
          .replace("{start}", fmtTime(new Date(timer.started)))
          .replace("{end}", fmtTime(new Date(timer.ended)))
          .replace("{duration}", duration);
      } else if (timer.started) {
        timerText.textContent = timerText.dataset.labelStarted.replace("{time}", fmtTime(new Date(timer.started)));
      }
    }
    $$("[data-timer]").forEach((btn) => btn.addEventListener("click", () => {
      const action = btn.dataset.timer;
      const at = new Date().toISOString();
      if (action === "start") timer.started = at; else timer.ended = at;
      localStorage.setItem(timerKey, JSON.stringify(timer));
      showTimer();
      enqueue({ kind: "timer", visit: visitId, url: form.dataset.timerUrl, label: action,
                fields: [["action", action], ["at", at]] });
    }));
    showTimer();

    // Draft: what is typed survives a reload, even offline.
    const draft = JSON.parse(localStorage.getItem(draftKey) || "{}");
    ["work_done", "signer_name", "duration_minutes"].forEach((name) => {
      const field = form.elements[name];
      if (field && draft[name]) field.value = draft[name];
      if (field) field.addEventListener("input", saveDraft);
    });
    $$('input[name="checklist"]', form).forEach((box) => {
      box.checked = (draft.checklist || []).includes(box.value);
      box.addEventListener("change", () => { saveDraft(); showChecks(); });
    });
    function saveDraft() {
      const data = {
        work_done: form.elements.work_done.value,
        signer_name: form.elements.signer_name.value,
        duration_minutes: form.elements.duration_minutes.value,
        checklist: $$('input[name="checklist"]:checked', form).map((b) => b.value),
        materials: readMaterials(),
      };
      localStorage.setItem(draftKey, JSON.stringify(data));
    }
    function showChecks() {
      const boxes = $$('input[name="checklist"]', form);
      const counter = $("[data-check-count]");
      if (counter) counter.textContent = boxes.filter((b) => b.checked).length + "/" + boxes.length;
    }
    showChecks();

    // Photos.
    const photoError = $("[data-photo-error]");
    $$("[data-photo-kind]", form).forEach((input) => {
      input.addEventListener("change", async () => {
        photoError.hidden = true;
        for (const file of Array.from(input.files)) {
          try {
            const blob = await compress(file);
            const entry = { blob, name: file.name.replace(/\.[^.]+$/, "") + ".jpg" };
            photos[input.dataset.photoKind].push(entry);
            thumb($('[data-thumbs="' + input.dataset.photoKind + '"]'), blob, input.dataset.photoLabel, () => {
              const list = photos[input.dataset.photoKind];
              list.splice(list.indexOf(entry), 1);
            });
          } catch (e) {
            photoError.textContent = notAnImage(file);
            photoError.hidden = false;
          }
        }
        input.value = "";
      });
    });

    // Materials.
    const lines = $("#materials");
    const rowTemplate = $("#material-row");
    function addLine(values) {
      const row = rowTemplate.content.firstElementChild.cloneNode(true);
      const select = $('[data-m="item"]', row);
      const label = $('[data-m="label"]', row);
      const qty = $('[data-m="quantity"]', row);
      if (values) { select.value = values.item || ""; label.value = values.label || ""; qty.value = values.quantity || "1"; }
      const refresh = () => {
        const item = byId[select.value];
        label.hidden = !!item;
        if (item) label.value = "";
        const q = parseFloat(String(qty.value).replace(/\s/g, "").replace(",", ".")) || 0;
        $('[data-m="total"]', row).textContent = item ? euros(q * parseFloat(item.price)) : "";
        showTotals();
        saveDraft();
      };
      select.addEventListener("change", refresh);
      qty.addEventListener("input", refresh);
      label.addEventListener("input", saveDraft);
      $('[data-m="remove"]', row).addEventListener("click", () => { row.remove(); showTotals(); saveDraft(); });
      lines.appendChild(row);
      refresh();
      return row;
    }
    function readMaterials() {
      return $$(".material-row", lines).map((row) => ({
        item: $('[data-m="item"]', row).value || null,
        label: $('[data-m="label"]', row).value.trim(),
        quantity: $('[data-m="quantity"]', row).value.trim(),
      })).filter((m) => m.item || m.label);
    }
    function showTotals() {
      // Same rounding as the server: per line to the cent, VAT per rate then rounded.
      const cents = (x) => Math.round(x * 100) / 100;
      let ht = 0; const perRate = {};
      for (const m of readMaterials()) {
        const item = byId[m.item];
        if (!item) continue;
        const q = parseFloat(String(m.quantity).replace(/\s/g, "").replace(",", ".")) || 0;
        const line = cents(q * parseFloat(item.price));
        ht += line;
        perRate[item.vat] = (perRate[item.vat] || 0) + line;
      }
      const vat = Object.entries(perRate).reduce((s, [rate, base]) => s + cents(base * parseFloat(rate) / 100), 0);
      $('[data-total="ht"]').textContent = euros(ht);
      $('[data-total="vat"]').textContent = euros(vat);
      $('[data-total="ttc"]').textContent = euros(ht + vat);
    }
    $("[data-add-line]").addEventListener("click", () => { const row = addLine(); $("select", row).focus(); });
    (draft.materials || []).forEach((m) => addLine(m));

    // Signature.
    const canvas = $("#signature");
    const ctx = canvas.getContext("2d");
    let strokes = 0, drawing = false;
    function sizeCanvas() {
      const ratio = window.devicePixelRatio || 1;
      const rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, rect.width, rect.height);
      ctx.lineWidth = 2.2; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111827";
      strokes = 0;
    }
    sizeCanvas();
    const point = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
    canvas.addEventListener("pointerdown", (e) => {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      const [x, y] = point(e); ctx.beginPath(); ctx.moveTo(x, y);
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!drawing) return;
      const [x, y] = point(e); ctx.lineTo(x, y); ctx.stroke(); strokes += 1;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach((t) => canvas.addEventListener(t, () => { drawing = false; }));
    $("[data-clear-signature]").addEventListener("click", sizeCanvas);

    // What is still missing: the same rules as the server.
    function missing() {
      const out = [];
      if (!form.elements.work_done.value.trim()) out.push(gettext("travaux réalisés"));
      if (!form.elements.duration_minutes.value && !(timer.started)) out.push(gettext("durée"));
      $$('input[name="checklist"][data-required]', form).forEach((b) => {
        if (!b.checked) out.push(tr(gettext("contrôle « %(label)s »"), { label: b.dataset.label }));
      });
      if (!photos.after.length) out.push(gettext("photo Après"));
      if (strokes < 3) out.push(gettext("signature"));
      if (!form.elements.signer_name.value.trim()) out.push(gettext("nom du signataire"));
      return out;
    }

    function lock(text, pending) {
      $$("input, textarea, select, button", form).forEach((el) => { el.disabled = true; });
      canvas.style.pointerEvents = "none";
      if (finish) finish.disabled = true;
      stateBox.hidden = false;
      stateBox.className = "report-state " + (pending ? "pending" : "synced");
      stateBox.textContent = text;
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const lacking = missing();
      if (lacking.length) {
        missingBox.textContent = tr(gettext("Il manque : %(items)s"), { items: lacking.join(", ") });
        missingBox.hidden = false;
        announce(missingBox.textContent);
        return;
      }
      missingBox.hidden = true;
      const signature = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
      const fields = [
        ["work_done", form.elements.work_done.value],
        ["signer_name", form.elements.signer_name.value],
        ["duration_minutes", form.elements.duration_minutes.value],
        ["materials", JSON.stringify(readMaterials())],
      ];
      if (timer.started) fields.push(["started_at", timer.started]);
      fields.push(["ended_at", timer.ended || new Date().toISOString()]);
      $$('input[name="checklist"]:checked', form).forEach((b) => fields.push(["checklist", b.value]));
      const files = [["signature", signature, "signature.png"]];
      photos.before.forEach((p) => files.push(["photo_before", p.blob, p.name]));
      photos.after.forEach((p) => files.push(["photo_after", p.blob, p.name]));
      const id = uuid();
      fields.push(["uuid", id]);
      lock("◷ " + gettext("Rapport en attente d'envoi"), true);
      await enqueue({ uuid: id, kind: "report", visit: visitId, url: form.dataset.url, label: "rapport", fields, files });
    });

    document.addEventListener("field:queue", (e) => {
      const report = e.detail.find((i) => i.kind === "report" && String(i.visit) === String(visitId));
      if (report && report.status === "error") {
        stateBox.hidden = false;
        stateBox.className = "report-state error";
        stateBox.textContent = "⚠ " + report.error;
      } else if (report) {
        lock("◷ " + (navigator.onLine ? gettext("Rapport en attente d'envoi")
          : gettext("Rapport en attente d'envoi (hors ligne)")), true);
      }
    });
    document.addEventListener("field:synced", (e) => {
      const { item, data } = e.detail;
      if (item.kind !== "report" || String(item.visit) !== String(visitId)) return;
      localStorage.removeItem(draftKey);
      localStorage.removeItem(timerKey);
      lock("", false);
      stateBox.innerHTML = "";
      stateBox.append("✓ " + gettext("Rapport envoyé au client") + " · ");
      const link = document.createElement("a");
      link.href = data.pdf_url; link.textContent = gettext("Ouvrir le PDF");
      stateBox.appendChild(link);
      announce(gettext("Rapport synchronisé"));
    });
    document.addEventListener("field:rejected", async (e) => {
      const { item } = e.detail;
      if (item.kind !== "report" || String(item.visit) !== String(visitId)) return;
      // Refused (a photo the server cannot read…): the form comes back, with the reason.
      await queueDelete(item.uuid);
      $$("input, textarea, select, button", form).forEach((el) => { el.disabled = false; });
      canvas.style.pointerEvents = "";
      if (finish) finish.disabled = false;
      showTimer();
      stateBox.hidden = false;
      stateBox.className = "report-state error";
      stateBox.textContent = "⚠ " + item.error;
      announce(item.error);
    });
  }

  // --- besoin détecté ------------------------------------------------------------------------
  const needForm = $("#need-form");
  if (needForm) {
    let needPhoto = null;
    const needError = $("[data-need-error]");
    const list = $("[data-need-list]");
    $("[data-need-photo]").addEventListener("change", async (e) => {
      const file = e.target.files[0];
      needError.hidden = true;
      $("[data-need-thumbs]").innerHTML = "";
      if (!file) return;
      try {
        needPhoto = await compress(file);
        thumb($("[data-need-thumbs]"), needPhoto, gettext("Photo du besoin"), () => { needPhoto = null; });
      } catch (err) {
        needError.textContent = notAnImage(file);
        needError.hidden = false;
      }
      e.target.value = "";
    });
    needForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      const text = needForm.elements.description.value.trim();
      if (!text) {
        needError.textContent = gettext("Décrivez le besoin détecté.");
        needError.hidden = false;
        needForm.elements.description.focus();
        return;
      }
      const id = uuid();
      const urgency = (needForm.querySelector('input[name="urgency"]:checked') || {}).value || "normal";
      const li = document.createElement("li");
      li.dataset.needUuid = id;
      li.textContent = "◷ " + text.slice(0, 70);
      list.prepend(li);
      await enqueue({
        uuid: id, kind: "need", visit: visitId, url: needForm.dataset.url, label: text.slice(0, 40),
        fields: [["uuid", id], ["description", text], ["urgency", urgency]],
        files: needPhoto ? [["photo", needPhoto, "besoin.jpg"]] : [],
      });
      needForm.reset();
      needPhoto = null;
      $("[data-need-thumbs]").innerHTML = "";
      announce(gettext("Besoin enregistré"));
    });
    document.addEventListener("field:synced", (e) => {
      const li = list.querySelector('[data-need-uuid="' + e.detail.item.uuid + '"]');
      if (li) li.textContent = li.textContent.replace(/^◷/, "✓");
    });
    document.addEventListener("field:queue", (e) => {
      e.detail.filter((i) => i.kind === "need" && String(i.visit) === String(visitId)).forEach((i) => {
        let li = list.querySelector('[data-need-uuid="' + i.uuid + '"]');
        if (!li) {
          li = document.createElement("li"); li.dataset.needUuid = i.uuid; list.prepend(li);
          li.textContent = "◷ " + i.label;
        }
        if (i.status === "error") li.textContent = "⚠ " + i.label + " — " + i.error;
      });
    });
  }
})();
