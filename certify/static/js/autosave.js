/* Certify autosave for long forms (portfolio drafts, reviews in progress).
   The forms work without this script: their Save button posts them. With it,
   changes are sent as JSON a moment after typing stops, with a sequence number
   so an older save can never overwrite a newer one, and retried when the
   network fails. Fields say where they go with data attributes:
     data-autosave-group="sections" data-autosave-key="KPM"  -> {sections: {KPM: value}}
     data-autosave-key="overall"                             -> {overall: value}
   Radio buttons contribute only their checked value.
   A review form starts without a lock: the server gives one with the first
   save, which this script keeps (in the form and in the address, so a reload
   keeps it) and sends with every later save. */
(function () {
  "use strict";

  var SAVE_DELAY_MS = 1500;

  function clock(date) {
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
  }

  function collect(form) {
    var body = {};
    var fields = form.querySelectorAll("[data-autosave-key]");
    Array.prototype.forEach.call(fields, function (field) {
      if (field.type === "radio" && !field.checked) { return; }
      var key = field.getAttribute("data-autosave-key");
      var group = field.getAttribute("data-autosave-group");
      if (group) {
        body[group] = body[group] || {};
        body[group][key] = field.value;
      } else {
        body[key] = field.value;
      }
    });
    return body;
  }

  function start(form) {
    var url = form.getAttribute("data-autosave");
    var seqInput = form.querySelector("input[name=seq]");
    var lockInput = form.querySelector("input[name=lock]");
    var status = document.getElementById(form.getAttribute("data-autosave-status"));
    var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
    var scheduled = null;
    var inFlight = false;
    var again = false;
    var dirty = false;
    var stopped = false;
    var retryDelay = 1000;

    function say(text, kind) {
      if (!status) { return; }
      status.textContent = text;
      status.className = "save-status" + (kind ? " save-status-" + kind : "");
    }

    function save() {
      scheduled = null;
      if (stopped) { return; }
      if (inFlight) { again = true; return; }
      inFlight = true;
      var seq = parseInt(seqInput.value, 10);
      var body = collect(form);
      body.seq = seq;
      if (lockInput) { body.lock = lockInput.value; }
      say("Saving…");
      var request = new XMLHttpRequest();
      request.open("PUT", url);
      request.setRequestHeader("Content-Type", "application/json");
      request.setRequestHeader("X-CSRFToken", token);
      request.onload = function () {
        inFlight = false;
        var data = {};
        try { data = JSON.parse(request.responseText); } catch (e) { data = {}; }
        if (request.status === 200) {
          retryDelay = 1000;
          seqInput.value = String(seq + 1);
          if (lockInput && data.lock && lockInput.value !== data.lock) { holdLock(data.lock); }
          if (!again) { dirty = false; }
          say("Draft saved at " + clock(new Date()) + ".", "ok");
        } else if (request.status === 409 || request.status === 423) {
          stopped = true;
          say((data.message || "This draft changed elsewhere.") + " Your text is still on this page; copy it before reloading.", "error");
          return;
        } else if (request.status >= 400 && request.status < 500) {
          say("Not saved: " + (data.message || "the server refused the draft") + ".", "error");
          return;
        } else {
          retry();
          return;
        }
        if (again) { again = false; schedule(); }
      };
      request.onerror = function () { inFlight = false; retry(); };
      request.send(JSON.stringify(body));
    }

    function holdLock(lock) {
      lockInput.value = lock;
      Array.prototype.forEach.call(form.querySelectorAll("[data-lock-start]"), function (notice) {
        notice.hidden = true;
      });
      if (window.history && window.history.replaceState) {
        var address = new URL(window.location.href);
        address.searchParams.set("lock", lock);
        window.history.replaceState(null, "", address.toString());
      }
    }

    function retry() {
      say("Not saved yet: no connection. Retrying…", "error");
      window.setTimeout(save, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    }

    function schedule() {
      dirty = true;
      if (scheduled) { window.clearTimeout(scheduled); }
      scheduled = window.setTimeout(save, SAVE_DELAY_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function () { stopped = true; dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), start);
}());
