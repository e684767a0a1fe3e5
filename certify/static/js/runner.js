/* Certify exam runner: a live timer, and autosave of the answer through the shared client in
   sequenced_save.js (which also warns before unsaved changes are left). The page works without
   this script; each question's form posts its answer. */
(function () {
  "use strict";

  var ANNOUNCE_AT = [600, 300, 60];
  var SAVE_DELAY_MS = 2000;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

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

  /* ---- Autosave, through the shared sequenced-save client (sequenced_save.js). */
  function startAutosave() {
    var runner = document.getElementById("runner");
    var form = document.getElementById("answer-form");
    if (!runner || !form || !window.SequencedSave) { return; }
    var type = runner.getAttribute("data-type");
    var flagUrl = runner.getAttribute("data-flag-url");
    var status = document.getElementById("save-status");
    var flag = document.getElementById("flagged");

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

    function show(text) { status.textContent = text; }

    var saver = new window.SequencedSave({
      url: runner.getAttribute("data-save-url"),
      seqInput: document.getElementById("seq"),
      delay: SAVE_DELAY_MS,
      read: collect,
      body: function (answer, seq) { return { answer: answer, seq: seq }; },
      onSaving: function () { show("Saving…"); },
      onSaved: function () { show("Saved at " + window.SequencedSave.clock(new Date())); },
      onRetrying: function (ms) {
        show("Not saved yet: the connection failed. Retrying in " + Math.round(ms / 1000) + " s…");
      },
      onNotReady: function () { show("Give every step a different position to save this answer."); },
      onConflict: function (data) {
        if (data.error === "stale") {
          show("A newer answer was saved from another window. Reload this page to see it before changing it.");
          return;
        }
        saver.supersede();  // closed: the server has submitted the saved answers
        show("Time is up. Your saved answers have been submitted.");
        window.setTimeout(function () { window.location.reload(); }, 2000);
      },
      onRefused: function (data) { show("Not saved: " + (data.message || "the answer was refused.")); }
    });

    function changed(event) { if (event.target !== flag) { saver.changed(); } }
    form.addEventListener("change", changed);
    form.addEventListener("input", changed);
    form.addEventListener("focusout", function () { saver.flush(); });
    // The form post saves the answer itself with the seq input's number, which is above that of
    // any autosave already sent, so it needs no waiting: whichever reaches the server first, the
    // post wins, and it is never mistaken for a save from another window.
    form.addEventListener("submit", function () { saver.supersede(); });
    if (flag && flagUrl) {
      var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
      flag.addEventListener("change", function () {
        window.fetch(flagUrl, {
          method: "PUT", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ flagged: flag.checked })
        }).then(function (r) { show(r.ok ? (flag.checked ? "Flagged for review." : "Flag removed.") : status.textContent); });
      });
    }
  }

  startTimer();
  startAutosave();
}());
