/* Certify exam runner: autosave, a live timer and an unsaved-changes warning.
   The page works without this script; each question's form posts its answer. */
(function () {
  "use strict";

  var ANNOUNCE_AT = [600, 300, 60];
  var SAVE_DELAY_MS = 2000;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function clockText(date) {
    return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
  }

  /* ---- Timer: counts from the server's remaining seconds, so a wrong client clock does not matter. */
  function startTimer() {
    var timer = document.getElementById("timer");
    if (!timer) { return; }
    var value = document.getElementById("timer-value");
    var announce = document.getElementById("timer-announce");
    var remaining = parseInt(timer.getAttribute("data-remaining"), 10) || 0;
    var started = Date.now();
    var announced = {};
    ANNOUNCE_AT.forEach(function (s) { if (remaining <= s) { announced[s] = true; } });
    function tick() {
      var left = Math.max(0, remaining - Math.floor((Date.now() - started) / 1000));
      value.textContent = Math.floor(left / 60) + " min " + pad(left % 60) + " s";
      ANNOUNCE_AT.forEach(function (s) {
        if (left <= s && !announced[s]) {
          announced[s] = true;
          announce.textContent = (s / 60) + (s === 60 ? " minute" : " minutes") + " left.";
        }
      });
      if (left <= 60) { timer.classList.add("timer-urgent"); }
      if (left === 0) {
        window.clearInterval(handle);
        // The server closes the attempt after a short grace period; reloading shows the result.
        window.setTimeout(function () { window.location.reload(); }, 5000);
      }
    }
    var handle = window.setInterval(tick, 1000);
    tick();
  }

  /* ---- Autosave */
  function startAutosave() {
    var runner = document.getElementById("runner");
    var form = document.getElementById("answer-form");
    if (!runner || !form) { return; }
    var type = runner.getAttribute("data-type");
    var saveUrl = runner.getAttribute("data-save-url");
    var flagUrl = runner.getAttribute("data-flag-url");
    var seqInput = document.getElementById("seq");
    var status = document.getElementById("save-status");
    var flag = document.getElementById("flagged");
    var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
    var scheduled = null;
    var inFlight = false;
    var inFlightSeq = 0;
    var again = false;
    var retryDelay = 1000;
    var navigating = false;

    function controls(prefix) {
      return Array.prototype.slice.call(form.querySelectorAll('[name^="' + prefix + '"]'));
    }

    /* The answer in the ids the page shows, like the server's answer_from_form; undefined = not ready. */
    function collect() {
      if (type === "single_choice" || type === "true_false") {
        var chosen = form.querySelector('input[name="answer"]:checked');
        return chosen ? chosen.value : null;
      }
      if (type === "multiple_response") {
        var ids = controls("answer").filter(function (c) { return c.checked; }).map(function (c) { return c.value; });
        return ids.length ? ids : null;
      }
      if (type === "matching") {
        var pairs = {};
        var any = false;
        controls("answer-").forEach(function (select) {
          if (select.value) { pairs[select.name.slice(7)] = select.value; any = true; }
        });
        return any ? pairs : null;
      }
      if (type === "ordering") {
        var steps = controls("answer-");
        var filled = steps.filter(function (s) { return s.value; });
        if (!filled.length) { return null; }
        var used = {};
        for (var i = 0; i < filled.length; i += 1) {
          if (used[filled[i].value]) { return undefined; }
          used[filled[i].value] = true;
        }
        if (filled.length !== steps.length) { return undefined; }
        return filled.slice().sort(function (a, b) { return a.value - b.value; })
          .map(function (s) { return s.name.slice(7); });
      }
      var box = form.querySelector('[name="answer"]');
      return box && box.value.trim() ? box.value : null;
    }

    var lastSent = JSON.stringify(collect());

    function show(text) { status.textContent = text; }

    function schedule(delay) {
      if (scheduled) { window.clearTimeout(scheduled); }
      scheduled = window.setTimeout(save, delay);
    }

    function save() {
      scheduled = null;
      if (navigating) { return; }
      var answer = collect();
      if (answer === undefined) { show("Give every step a different position to save this answer."); return; }
      var body = JSON.stringify(answer);
      if (body === lastSent) { return; }
      if (inFlight) { again = true; return; }
      inFlight = true;
      show("Saving…");
      var seq = parseInt(seqInput.value, 10);
      inFlightSeq = seq;
      window.fetch(saveUrl, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ answer: answer, seq: seq })
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { status: response.status, data: data };
        });
      }).then(function (result) {
        inFlight = false;
        retryDelay = 1000;
        if (result.status === 200) {
          lastSent = body;
          seqInput.value = result.data.seq + 1;
          show("Saved at " + clockText(new Date()));
        } else if (result.status === 409 && result.data.error === "stale") {
          seqInput.value = result.data.seq + 1;
          lastSent = body;
          show("A newer answer was saved from another window. Reload this page to see it before changing it.");
          return;
        } else if (result.status === 409) {
          show("Time is up. Your saved answers have been submitted.");
          window.setTimeout(function () { window.location.reload(); }, 2000);
          return;
        } else if (result.status >= 400 && result.status < 500) {
          show("Not saved: " + (result.data.message || "the answer was refused."));
          return;
        } else {
          throw new Error("server error " + result.status);
        }
        if (again) { again = false; save(); }
      }).catch(function () {
        inFlight = false;
        show("Not saved yet: the connection failed. Retrying in " + Math.round(retryDelay / 1000) + " s…");
        schedule(retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      });
    }

    form.addEventListener("change", function (event) {
      if (event.target === flag) { return; }
      schedule(SAVE_DELAY_MS);
    });
    form.addEventListener("input", function () { schedule(SAVE_DELAY_MS); });
    form.addEventListener("focusout", function () { if (scheduled) { window.clearTimeout(scheduled); save(); } });
    form.addEventListener("submit", function () {
      // The form post saves the answer itself, so it supersedes any autosave: a pending one is
      // cancelled, and one already on its way (leaving the field starts one) keeps its sequence
      // number while the post takes the next, so whichever reaches the server first, the post wins
      // and is never mistaken for a save from another window. The form's fields are read after
      // this handler, so the new number goes with the post.
      navigating = true;
      if (scheduled) { window.clearTimeout(scheduled); scheduled = null; }
      if (inFlight && parseInt(seqInput.value, 10) <= inFlightSeq) { seqInput.value = inFlightSeq + 1; }
    });
    if (flag && flagUrl) {
      flag.addEventListener("change", function () {
        window.fetch(flagUrl, {
          method: "PUT", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ flagged: flag.checked })
        }).then(function (r) { show(r.ok ? (flag.checked ? "Flagged for review." : "Flag removed.") : status.textContent); });
      });
    }
    window.addEventListener("beforeunload", function (event) {
      if (navigating) { return; }
      var unsaved = inFlight || scheduled !== null || JSON.stringify(collect()) !== lastSent;
      if (unsaved) {
        save();
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  startTimer();
  startAutosave();
}());
