// Planning board: one row per technician (EventCalendar resource timeline), day and week.
// Drags, resizes and the « Déplacer… » dialog all POST to the move endpoint; the server
// re-validates and a refused move reverts with its reasons.
(function () {
  const el = document.getElementById("planning");
  if (!el || !window.EventCalendar) { return; }
  const toast = document.getElementById("planning-toast");
  const live = document.getElementById("live-region");
  const canMove = el.dataset.canMove === "1";
  const dialog = document.getElementById("move-dialog");
  const phone = window.matchMedia("(max-width: 600px)").matches;
  let toastTimer = null;

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

  function refresh() {
    ec.refetchEvents();
    if (ec.refetchResources) { ec.refetchResources(); }
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
  function openDialog(event) {
    if (!dialog || event.display === "background" || (event.extendedProps || {}).private) { return; }
    current = event;
    const props = event.extendedProps || {};
    dialog.querySelector("#move-what").textContent = event.title + " · " + (props.detail || "") + " · " + (props.when || "") + " · " + (props.technician || "");
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
        refresh();
        ec.setOption("date", new Date(date + "T00:00"));
      }).catch(function () {
        error.hidden = false;
        error.textContent = el.dataset.error;
      });
    });
  }

  const hidden = (el.dataset.hiddenDays || "0").split(",").filter(Boolean).map(Number);
  const labels = { day: el.dataset.labelDay, week: el.dataset.labelWeek, today: el.dataset.labelToday };
  const options = {
    view: el.dataset.view === "week" ? "resourceTimelineWeek" : "resourceTimelineDay",
    locale: document.documentElement.lang || "fr",
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
      // The working day fits the screen on a desktop; a phone scrolls sideways.
      resourceTimelineDay: { slotWidth: Math.max(phone ? 40 : 28, Math.floor((el.clientWidth - 150) / 26)), scrollTime: "07:30" },
      resourceTimelineWeek: {
        slotDuration: "01:00", slotMinTime: "08:00", slotMaxTime: "18:00", slotLabelInterval: "02:00",
        slotLabelFormat: function (date) { return date.getHours() + " h"; },
        slotWidth: Math.max(18, Math.floor((el.clientWidth - 170) / (10 * (7 - hidden.length)))),
      },
    },
    resources: { url: el.dataset.resourcesUrl, method: "GET" },
    eventSources: [{ url: el.dataset.eventsUrl, method: "GET" }],
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
      const node = document.createElement("div");
      node.className = "pl-event-text";
      if (event.display === "background") {
        node.textContent = event.title || "";
        return { domNodes: [node] };
      }
      if (info.view.type === "resourceTimelineWeek") {
        node.textContent = event.title;  // the week is an overview: who, where
        return { domNodes: [node] };
      }
      const time = document.createElement("span");
      time.className = "pl-event-time";
      time.textContent = info.timeText;
      const title = document.createElement("span");
      title.textContent = " " + event.title;
      node.append(time, title);
      return { domNodes: [node] };
    },
    eventDidMount: function (info) {
      const event = info.event;
      if (event.display === "background") { return; }
      const props = event.extendedProps || {};
      info.el.setAttribute("tabindex", "0");
      info.el.setAttribute("role", "button");
      info.el.setAttribute("aria-haspopup", "dialog");
      info.el.setAttribute("title", [event.title, props.detail, props.when].filter(Boolean).join(" · "));
      info.el.setAttribute("aria-label", [event.title, props.detail, props.when, props.technician, props.state].filter(Boolean).join(", "));
      info.el.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); openDialog(event); }
      });
    },
    eventClick: function (info) { openDialog(info.event); },
    eventDrop: moved,
    eventResize: moved,
  };
  if (el.dataset.date) { options.date = new Date(el.dataset.date + "T00:00"); }
  const ec = EventCalendar.create(el, options);
  window.ComptoirPlanning = ec;

  // A job booked, moved or cancelled elsewhere (live.js): reload once.
  let timer = null;
  ["live:interaction", "live:booking"].forEach(function (name) {
    document.addEventListener(name, function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 150);
    });
  });
})();
