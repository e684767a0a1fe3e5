/* Certify autosave for long forms (portfolio drafts, reviews in progress), through the shared
   sequenced-save client (sequenced_save.js). The forms work without this script: their Save
   button posts them. With it, changes are sent as JSON a moment after typing stops. Fields say
   where they go with data attributes:
     data-autosave-group="sections" data-autosave-key="KPM"  -> {sections: {KPM: value}}
     data-autosave-key="overall"                             -> {overall: value}
   Radio buttons contribute only their checked value.
   A review form starts without a lock: the server gives one with the first
   save, which this script keeps (in the form and in the address, so a reload
   keeps it) and sends with every later save. */
(function () {
  "use strict";

  var SAVE_DELAY_MS = 1500;

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
    var lockInput = form.querySelector("input[name=lock]");
    var status = document.getElementById(form.getAttribute("data-autosave-status"));

    function say(text, kind) {
      if (!status) { return; }
      status.textContent = text;
      status.className = "save-status" + (kind ? " save-status-" + kind : "");
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

    var saver = new window.SequencedSave({
      url: form.getAttribute("data-autosave"),
      seqInput: form.querySelector("input[name=seq]"),
      delay: SAVE_DELAY_MS,
      read: function () { return collect(form); },
      body: function (value, seq) {
        var body = Object.assign({}, value, { seq: seq });
        if (lockInput) { body.lock = lockInput.value; }
        return body;
      },
      onSaving: function () { say("Saving…"); },
      onSaved: function (data) {
        if (lockInput && data.lock && lockInput.value !== data.lock) { holdLock(data.lock); }
        say("Draft saved at " + window.SequencedSave.clock(new Date()) + ".", "ok");
      },
      onRetrying: function () { say("Not saved yet: no connection. Retrying…", "error"); },
      onConflict: function (data) {
        saver.stop();
        say((data.message || "This draft changed elsewhere.") + " Your text is still on this page; copy it before reloading.", "error");
      },
      onRefused: function (data) {
        say("Not saved: " + (data.message || "the server refused the draft") + ".", "error");
      }
    });

    form.addEventListener("input", function () { saver.changed(); });
    form.addEventListener("change", function () { saver.changed(); });
    saver.holdSubmits(form, false);
    // The page's other forms (an upload, the submission) leave it: the draft is saved first.
    Array.prototype.forEach.call(document.querySelectorAll("form:not([data-autosave])"), function (other) {
      saver.holdSubmits(other, true);
    });
  }

  if (window.SequencedSave) {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), start);
  }
}());
