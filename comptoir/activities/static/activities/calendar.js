// Week calendar: FullCalendar fed by the JSON feed; drags and resizes call the move endpoint.
(function () {
  const el = document.getElementById("calendar");
  if (!el || !window.FullCalendar) { return; }
  const message = document.getElementById("calendar-message");
  const live = document.getElementById("live-region");

  function say(text, kind) {
    if (message) {
      message.className = "calendar-message alert py-1 alert-" + (kind || "info");
      message.textContent = text;
    }
    if (live) { live.textContent = text; }
  }

  function send(info) {
    const event = info.event;
    const body = new URLSearchParams();
    body.set("start", event.startStr);
    if (event.endStr) { body.set("end", event.endStr); }
    if (event.allDay) { body.set("all_day", "on"); }
    fetch(el.dataset.moveUrl.replace("/0/", "/" + event.id + "/"), {
      method: "POST",
      headers: { "X-CSRFToken": el.dataset.csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          info.revert();
          say(data.error || el.dataset.error, "danger");
          return;
        }
        say(data.message || "", "success");
        calendar.refetchEvents();
      });
    }).catch(function () {
      info.revert();
      say(el.dataset.error, "danger");
    });
  }

  const calendar = new FullCalendar.Calendar(el, {
    // The page's language (the workspace's); FullCalendar ships English, French comes from locale-fr.
    locale: el.dataset.locale || "fr",
    firstDay: 1,
    timeZone: "Europe/Paris",
    // The week is the default; a phone starts on the day (the week is one tap away).
    initialView: window.matchMedia("(max-width: 600px)").matches ? "timeGridDay" : "timeGridWeek",
    headerToolbar: { left: "prev,next today", center: "title", right: "timeGridWeek,timeGridDay,dayGridMonth,listWeek" },
    slotMinTime: "07:00:00",
    slotMaxTime: "20:00:00",
    scrollTime: "08:00:00",
    height: "auto",
    nowIndicator: true,
    weekNumbers: true,
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    events: {
      url: el.dataset.eventsUrl,
      failure: function () { say(el.dataset.loadError, "danger"); },
    },
    eventDrop: send,
    eventResize: send,
    eventDidMount: function (arg) {
      const props = arg.event.extendedProps;
      arg.el.setAttribute("title", arg.event.title + " — " + props.state + " · " + props.process);
    },
  });
  calendar.render();

  // An interaction of this agenda changed elsewhere (live.js): reload the events once.
  let refetchTimer = null;
  document.addEventListener("live:interaction", function () {
    window.clearTimeout(refetchTimer);
    refetchTimer = window.setTimeout(function () { calendar.refetchEvents(); }, 150);
  });
})();
