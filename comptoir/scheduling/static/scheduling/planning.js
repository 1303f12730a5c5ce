// Planning board: one row per technician (EventCalendar resource timeline), day and week.
// When the board is narrower than a working day needs (a phone), the same feeds are shown as a
// list per technician instead. Drags, resizes and the « Déplacer… » dialog all POST to the move
// endpoint; the server re-validates and a refused move reverts with its reasons.
(function () {
  const el = document.getElementById("planning");
  if (!el || !window.EventCalendar) { return; }
  const panel = el.closest(".planning-panel");
  const list = document.getElementById("planning-list");
  const toast = document.getElementById("planning-toast");
  const live = document.getElementById("live-region");
  const peek = document.getElementById("planning-peek");
  const canMove = el.dataset.canMove === "1";
  const dialog = document.getElementById("move-dialog");
  const lang = document.documentElement.lang || "fr";
  const NARROW = 700;  // below this width (px) a day of 13 hours no longer fits: list instead
  let toastTimer = null;
  let ec = null;

  function say(text, kind) {
    if (toast) {
      toast.hidden = false;
      toast.className = "planning-toast alert py-2 alert-" + (kind || "info");
      toast.textContent = text;
      window.clearTimeout(toastTimer);
      if (kind === "success") { toastTimer = window.setTimeout(function () { toast.hidden = true; }, 6000); }
    }
    if (live) { live.textContent = text; }
  }

  function pad(n) { return String(n).padStart(2, "0"); }
  // EventCalendar hands back wall-clock times as Dates: send them as local ISO, no offset.
  function iso(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }
  function isoDay(date) { return iso(date).slice(0, 10); }
  function hhmm(date) { return pad(date.getHours()) + ":" + pad(date.getMinutes()); }
  // The feed's times are floating wall-clock times (« 2026-11-23T10:30 »).
  function parse(text) {
    const m = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d))?/.exec(text || "");
    return m ? new Date(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0)) : new Date(NaN);
  }
  function addDays(date, n) { return new Date(date.getFullYear(), date.getMonth(), date.getDate() + n); }
  function midnight(date) { return new Date(date.getFullYear(), date.getMonth(), date.getDate()); }

  // Everything a sighted, a keyboard and a screen-reader user needs to know about a job.
  function describe(event, separator) {
    const props = event.extendedProps || {};
    return [event.title, props.detail, props.when, props.technician, props.state].filter(Boolean).join(separator);
  }

  function post(eventId, fields) {
    const body = new URLSearchParams(fields);
    return fetch(el.dataset.moveUrl.replace("/0/", "/" + eventId + "/"), {
      method: "POST",
      headers: { "X-CSRFToken": el.dataset.csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, data: data };
      });
    });
  }

  // --- what is shown: one date and « day » or « week », shared by the board and the list ------
  const hidden = (el.dataset.hiddenDays || "0").split(",").filter(Boolean).map(Number);
  const state = {
    view: el.dataset.view === "week" ? "week" : "day",
    date: el.dataset.date ? parse(el.dataset.date) : midnight(new Date()),
  };
  if (isNaN(state.date)) { state.date = midnight(new Date()); }

  function isNarrow() { return (panel || el).clientWidth < NARROW; }
  function isList() { return !!panel && panel.classList.contains("is-list"); }

  function refresh() {
    if (isList()) { renderList(); return; }
    if (ec) {
      ec.refetchEvents();
      if (ec.refetchResources) { ec.refetchResources(); }
    }
  }

  function goTo(date) {
    state.date = midnight(date);
    if (isList()) { renderList(); } else if (ec) { ec.setOption("date", state.date); }
  }

  function moved(info) {
    const event = info.event;
    const fields = { start: iso(event.start), end: iso(event.end) };
    const resource = info.newResource || (event.resourceIds && event.resourceIds.length ? { id: event.resourceIds[0] } : null);
    if (resource) { fields.technician = resource.id; }
    post(event.id, fields).then(function (result) {
      if (!result.ok) {
        info.revert();
        say(result.data.error || el.dataset.error, "danger");
        return;
      }
      say(result.data.message || "", "success");
      refresh();
    }).catch(function () {
      info.revert();
      say(el.dataset.error, "danger");
    });
  }

  // --- keyboard alternative: the « Déplacer… » dialog ---------------------------------------
  let current = null;
  let returnTo = null;  // the job just moved: its list button takes the focus once redrawn
  function openDialog(event) {
    if (!dialog || event.display === "background" || (event.extendedProps || {}).private) { return; }
    current = event;
    const props = event.extendedProps || {};
    dialog.querySelector("#move-what").textContent = describe(event, " · ");
    const open = dialog.querySelector("#move-open");
    if (open) { open.href = props.url || "#"; }
    if (canMove) {
      dialog.querySelector("#move-tech").value = String(props.technicianId || "");
      dialog.querySelector("#move-date").value = props.date || isoDay(event.start);
      dialog.querySelector("#move-time").value = props.time || iso(event.start).slice(11);
      dialog.querySelector("#move-duration").value = props.duration || 60;
      const error = dialog.querySelector("#move-error");
      error.hidden = true;
      error.textContent = "";
    }
    dialog.showModal();
  }
  if (dialog) {
    dialog.querySelector("#move-cancel").addEventListener("click", function () { dialog.close(); });
    const form = dialog.querySelector("#move-form");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!current || !canMove) { dialog.close(); return; }
      const date = dialog.querySelector("#move-date").value;
      const time = dialog.querySelector("#move-time").value;
      const fields = {
        start: date + "T" + time,
        duration: dialog.querySelector("#move-duration").value,
        technician: dialog.querySelector("#move-tech").value,
      };
      const error = dialog.querySelector("#move-error");
      post(current.id, fields).then(function (result) {
        if (!result.ok) {
          error.hidden = false;
          error.textContent = result.data.error || el.dataset.error;
          say(result.data.error || el.dataset.error, "danger");
          return;
        }
        dialog.close();
        say(result.data.message || "", "success");
        if (isList()) { returnTo = current.id; } else { refresh(); }
        goTo(parse(date));
      }).catch(function () {
        error.hidden = false;
        error.textContent = el.dataset.error;
      });
    });
  }

  // --- the board (wide screens) -------------------------------------------------------------
  function line(className, text) {
    const span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  function createBoard() {
    const labels = { day: el.dataset.labelDay, week: el.dataset.labelWeek, today: el.dataset.labelToday };
    const options = {
      view: state.view === "week" ? "resourceTimelineWeek" : "resourceTimelineDay",
      date: state.date,
      locale: lang,
      firstDay: 1,
      hiddenDays: hidden,
      headerToolbar: { start: "prev,next today", center: "title", end: "resourceTimelineDay,resourceTimelineWeek" },
      buttonText: { today: labels.today, resourceTimelineDay: labels.day, resourceTimelineWeek: labels.week },
      slotMinTime: "07:00",
      slotMaxTime: "20:00",
      slotDuration: "00:30",
      snapDuration: "00:15",
      scrollTime: "07:00",
      height: "auto",
      nowIndicator: true,
      editable: canMove,
      eventStartEditable: canMove,
      eventDurationEditable: canMove,
      eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      refetchResourcesOnNavigate: true,
      views: {
        // The working day fits the board's width: 26 half-hours next to the names.
        resourceTimelineDay: { slotWidth: Math.max(22, Math.floor((el.clientWidth - 150) / 26)), scrollTime: "07:30" },
        resourceTimelineWeek: {
          slotDuration: "01:00", slotMinTime: "08:00", slotMaxTime: "18:00", slotLabelInterval: "02:00",
          slotLabelFormat: function (date) { return date.getHours() + " h"; },
          slotWidth: Math.max(14, Math.floor((el.clientWidth - 170) / (10 * (7 - hidden.length)))),
        },
      },
      resources: { url: el.dataset.resourcesUrl, method: "GET" },
      eventSources: [{ url: el.dataset.eventsUrl, method: "GET" }],
      datesSet: function (info) {
        state.view = info.view.type === "resourceTimelineWeek" ? "week" : "day";
        state.date = midnight(info.start);
      },
      resourceLabelContent: function (info) {
        const props = info.resource.extendedProps || {};
        const wrap = document.createElement("div");
        wrap.className = "pl-resource";
        const name = document.createElement("strong");
        name.textContent = info.resource.title;
        const load = document.createElement("span");
        load.className = "pl-load" + (props.over ? " pl-over" : "");
        load.textContent = props.load || "";
        if (props.load) { load.setAttribute("title", props.skills || ""); }
        wrap.append(name, load);
        return { domNodes: [wrap] };
      },
      eventContent: function (info) {
        const event = info.event;
        const props = event.extendedProps || {};
        const node = document.createElement("div");
        node.className = "pl-event-text";
        if (event.display === "background") {
          node.textContent = event.title || "";
          return { domNodes: [node] };
        }
        // « ○ M. Dupont »; where room is short, the glyph and the civility go first (the colour
        // still tells the state).
        const who = line("pl-event-who", "");
        if (props.private) {
          who.textContent = event.title;
        } else {
          if (props.glyph) { who.append(line("pl-event-glyph", props.glyph + " ")); }
          if (props.civility) { who.append(line("pl-event-civility", props.civility + " ")); }
          who.append(document.createTextNode(props.short || event.title));
        }
        if (info.view.type === "resourceTimelineWeek") {
          node.append(who);  // the week is an overview: who
          return { domNodes: [node] };
        }
        // Time, then the customer, then where and what: a short event still shows the first
        // two (cut with « … »); the whole text is in its title, its label and under the board.
        const time = line("pl-event-time", hhmm(event.start));
        time.append(line("pl-event-end", "–" + hhmm(event.end)));
        node.append(time, who);
        const where = [props.place, props.detail].filter(Boolean).join(" · ");
        if (where) { node.append(line("pl-event-where", where)); }
        return { domNodes: [node] };
      },
      eventDidMount: function (info) {
        const event = info.event;
        if (event.display === "background") { return; }
        info.el.setAttribute("title", describe(event, " · "));
        if ((event.extendedProps || {}).private) { return; }
        info.el.setAttribute("tabindex", "0");
        info.el.setAttribute("role", "button");
        info.el.setAttribute("aria-haspopup", "dialog");
        info.el.setAttribute("aria-label", describe(event, ", "));
        info.el.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); openDialog(event); }
        });
        // Focused or pointed at, a job too short for its text shows it in full under the board.
        function show() { if (peek) { peek.textContent = describe(event, " · "); peek.hidden = false; } }
        function hide() { if (peek) { peek.hidden = true; } }
        info.el.addEventListener("focus", show);
        info.el.addEventListener("blur", hide);
        info.el.addEventListener("mouseenter", show);
        info.el.addEventListener("mouseleave", function () { if (document.activeElement !== info.el) { hide(); } });
      },
      eventClick: function (info) { openDialog(info.event); },
      eventDrop: moved,
      eventResize: moved,
    };
    ec = EventCalendar.create(el, options);
    window.ComptoirPlanning = ec;
  }

  // --- the list (phones): per technician, their jobs in order, absences and holidays ---------
  const listTitle = list && list.querySelector(".pl-list-title");
  const listBody = list && list.querySelector(".pl-list-body");
  const dayLong = new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  const dayShort = new Intl.DateTimeFormat(lang, { weekday: "long", day: "2-digit", month: "2-digit" });
  const range = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric" });
  let generation = 0;

  function period() {
    if (state.view === "day") { return { start: state.date, end: addDays(state.date, 1) }; }
    const monday = addDays(state.date, -((state.date.getDay() + 6) % 7));
    return { start: monday, end: addDays(monday, 7) };
  }

  function feed(url, span) {
    const sep = url.indexOf("?") === -1 ? "?" : "&";
    return fetch(url + sep + "start=" + isoDay(span.start) + "&end=" + isoDay(span.end), {
      credentials: "same-origin", headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    });
  }

  function node(tag, className, text) {
    const element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text !== undefined) { element.textContent = text; }
    return element;
  }

  // An absence or a holiday, cut to the day and to the board's hours.
  function note(event, day) {
    const start = parse(event.start);
    const end = parse(event.end);
    const open = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 7);
    const close = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 20);
    if (end <= open || start >= close) { return null; }
    const from = start > open ? start : open;
    const to = end < close ? end : close;
    const whole = from <= open && to >= close;
    const kind = (event.classNames || []).indexOf("pl-holiday") !== -1 ? "pl-holiday" : "pl-absence";
    const text = event.title + " · " + (whole ? list.dataset.labelAllDay : hhmm(from) + "–" + hhmm(to));
    return node("p", "pl-note " + kind, text);
  }

  function job(event) {
    const props = event.extendedProps || {};
    const start = parse(event.start);
    const end = parse(event.end);
    const item = node("li");
    const time = node("span", "pl-job-time", hhmm(start) + "–" + hhmm(end));
    if (props.private) {
      const row = node("div", "pl-job pl-private");
      row.append(time, node("span", "pl-job-title", event.title));
      item.append(row);
      return item;
    }
    const button = node("button", "pl-job " + (event.classNames || []).join(" "));
    button.type = "button";
    button.dataset.eventId = event.id;
    button.setAttribute("aria-haspopup", "dialog");
    const shown = { id: event.id, title: event.title, start: start, end: end, extendedProps: props };
    button.setAttribute("aria-label", describe(shown, ", "));
    button.title = describe(shown, " · ");
    if (event.backgroundColor) { button.style.backgroundColor = event.backgroundColor; }
    if (event.textColor) { button.style.color = event.textColor; }
    button.append(time, node("span", "pl-job-title", event.title));
    if (props.detail) { button.append(node("span", "pl-job-detail", props.detail)); }
    button.addEventListener("click", function () { openDialog(shown); });
    item.append(button);
    return item;
  }

  function renderList() {
    if (!list) { return; }
    const span = period();
    const mine = ++generation;
    const days = [];
    for (let d = span.start; d < span.end; d = addDays(d, 1)) {
      if (state.view === "day" || hidden.indexOf(d.getDay()) === -1) { days.push(d); }
    }
    listTitle.textContent = state.view === "day" ? dayLong.format(span.start) : range.formatRange(days[0] || span.start, days[days.length - 1] || span.start);
    list.querySelectorAll("[data-view]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.view === state.view ? "true" : "false");
    });
    list.querySelectorAll("[data-nav=prev]").forEach(function (b) { b.setAttribute("aria-label", state.view === "day" ? list.dataset.labelPrevDay : list.dataset.labelPrevWeek); });
    list.querySelectorAll("[data-nav=next]").forEach(function (b) { b.setAttribute("aria-label", state.view === "day" ? list.dataset.labelNextDay : list.dataset.labelNextWeek); });
    listBody.setAttribute("aria-busy", "true");
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.eventId : null;
    Promise.all([feed(el.dataset.resourcesUrl, span), feed(el.dataset.eventsUrl, span)]).then(function (data) {
      if (mine !== generation) { return; }
      const resources = data[0];
      const events = data[1];
      const sections = resources.map(function (resource) {
        const props = resource.extendedProps || {};
        const section = node("section", "pl-tech");
        const headingId = "pl-tech-" + resource.id;
        section.setAttribute("aria-labelledby", headingId);
        const head = node("div", "pl-tech-head");
        const name = node("h3", "pl-tech-name", resource.title);
        name.id = headingId;
        if (props.color) { name.style.setProperty("--pl-tech-color", props.color); }
        head.append(name);
        if (props.load) {
          const load = node("span", "pl-load" + (props.over ? " pl-over" : ""), props.load);
          load.title = props.skills || "";
          head.append(load);
        }
        section.append(head);
        const theirs = events.filter(function (e) { return e.resourceId === resource.id; });
        let shown = 0;
        days.forEach(function (day) {
          const next = addDays(day, 1);
          const jobs = theirs.filter(function (e) {
            return e.display !== "background" && parse(e.start) >= day && parse(e.start) < next;
          }).sort(function (a, b) { return parse(a.start) - parse(b.start); });
          const notes = theirs.filter(function (e) {
            return e.display === "background" && (e.classNames || []).indexOf("pl-off") === -1;
          }).map(function (e) { return note(e, day); }).filter(Boolean);
          if (!jobs.length && !notes.length) { return; }
          if (state.view === "week") { section.append(node("h4", "pl-list-day", dayShort.format(day))); }
          notes.forEach(function (n) { section.append(n); });
          if (jobs.length) {
            const ul = node("ul", "pl-jobs");
            jobs.forEach(function (e) { ul.append(job(e)); });
            section.append(ul);
          }
          shown += jobs.length;
        });
        if (!shown) {
          section.append(node("p", "pl-empty muted small", state.view === "day" ? list.dataset.labelNoneDay : list.dataset.labelNoneWeek));
        }
        return section;
      });
      if (!sections.length) { sections.push(node("p", "muted", list.dataset.labelNoTechnician)); }
      listBody.replaceChildren.apply(listBody, sections);
      listBody.setAttribute("aria-busy", "false");
      const again = returnTo || focused;
      if (again) {
        const button = listBody.querySelector('[data-event-id="' + again + '"]');
        if (button) { button.focus(); } else if (returnTo) { listTitle.focus(); }
      }
      returnTo = null;
    }).catch(function () {
      if (mine !== generation) { return; }
      listBody.setAttribute("aria-busy", "false");
      say(el.dataset.loadError, "danger");
    });
  }

  if (list) {
    list.addEventListener("click", function (e) {
      const target = e.target.closest("[data-nav], [data-view]");
      if (!target) { return; }
      if (target.dataset.view) {
        state.view = target.dataset.view;
        renderList();
        return;
      }
      const step = state.view === "day" ? 1 : 7;
      if (target.dataset.nav === "today") { goTo(new Date()); return; }
      let date = addDays(state.date, target.dataset.nav === "prev" ? -step : step);
      for (let i = 0; state.view === "day" && i < 6 && hidden.indexOf(date.getDay()) !== -1; i++) {
        date = addDays(date, target.dataset.nav === "prev" ? -1 : 1);
      }
      goTo(date);
    });
  }

  // --- which of the two, now and when the screen turns ---------------------------------------
  function layout() {
    const narrow = list && isNarrow();
    if (panel) { panel.classList.toggle("is-list", !!narrow); }
    if (narrow) {
      if (peek) { peek.hidden = true; }
      renderList();
      return;
    }
    if (!ec) { createBoard(); return; }
    ec.setOption("view", state.view === "week" ? "resourceTimelineWeek" : "resourceTimelineDay");
    ec.setOption("date", state.date);
  }
  layout();
  let wasNarrow = panel ? panel.classList.contains("is-list") : false;
  let resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () {
      const narrow = !!list && isNarrow();
      if (narrow !== wasNarrow) { wasNarrow = narrow; layout(); }
    }, 150);
  });

  // A job booked, moved or cancelled elsewhere (live.js): reload once.
  let timer = null;
  ["live:interaction", "live:booking"].forEach(function (name) {
    document.addEventListener(name, function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 150);
    });
  });
})();
