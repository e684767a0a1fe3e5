/* Certify sequenced save: the one autosave client, shared by the exam runner (runner.js) and the
   portfolio and review editors (autosave.js). Those say how to read the value, how to build the
   request and what to tell the person; this file decides when to send and what a reply means.

   Every save carries a sequence number `seq`, and the server stores a save only when its seq is
   above the stored one (409 otherwise). The next number lives in the form's hidden `seq` input,
   which is also what the form's own post sends, and each request takes a fresh number as it
   leaves. So an older save arriving late never overwrites a newer one, a retry after a lost
   reply is simply a newer save (not a conflict with itself), and the form's post always carries
   a number above every autosave already sent: whichever reaches the server first, the post wins.

   Options of `new SequencedSave(options)`:
     url, seqInput, delay (ms of quiet before a change is sent)
     read()            the value to save (JSON-able); undefined when it cannot be saved yet
     body(value, seq)  the JSON body of the PUT
     onSaving(), onSaved(data, seq), onRetrying(delayMs), onNotReady()
     onConflict(data, status)  409 or 423: a newer save or another window holds the record
     onRefused(data, status)   any other 4xx */
(function () {
  "use strict";

  const FIRST_RETRY_MS = 1000;
  const MAX_RETRY_MS = 30000;
  const SUBMIT_WAIT_MS = 5000;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function put(url, body) {
    const token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
    return window.fetch(url, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body)
    }).then((response) => response.json().catch(() => ({}))
      .then((data) => ({ status: response.status, data: data || {} })));
  }

  class SequencedSave {
    constructor(options) {
      this.options = options;
      this.timer = null;      // a change (or a retry) waiting to be sent
      this.inFlight = null;   // the promise of the request on its way
      this.due = false;       // a send came due while one was on its way: send once it is back
      this.stopped = false;   // a conflict: no more saves from this page
      this.leaving = false;   // the form is posting the value itself
      this.retryDelay = FIRST_RETRY_MS;
      this.settled = JSON.stringify(options.read());  // the value the server last decided on
      window.addEventListener("beforeunload", (event) => {
        if (!this.unsaved()) { return; }
        this.flush();
        event.preventDefault();
        event.returnValue = "";
      });
    }

    /* Something changed: send the value once the person pauses. */
    changed() {
      if (this.stopped || this.leaving) { return; }
      this.wait(this.options.delay);
    }

    /* Send now whatever is waiting; resolves when no request is on its way (never rejects). */
    flush() {
      if (this.timer !== null) { this.send(); }
      return this.whenIdle();
    }

    /* Resolves when no request is on its way. A failed request counts as back (its retry waits
       on a timer), so this waits for one round trip at most, never for a network to return. */
    whenIdle() {
      const again = () => this.whenIdle();
      return this.inFlight ? this.inFlight.then(again, again) : Promise.resolve();
    }

    /* Make `form`'s post wait (at most SUBMIT_WAIT_MS) for the save on its way, so the two never
       race: a review's first save takes the lock the post must carry. A form that does not post
       the value itself (`flushFirst`: an upload, a submission) has the waiting change sent first,
       so it acts on the text on the screen. Then the post goes as the person asked. */
    holdSubmits(form, flushFirst) {
      let state = "ready";  // "waiting" for the save, then "released" to post
      form.addEventListener("submit", (event) => {
        if (state === "released") { return; }
        if (state === "waiting") { event.preventDefault(); return; }  // a second click while waiting
        if (!flushFirst) { this.supersede(); }
        if (this.inFlight === null && !(flushFirst && this.timer !== null)) { return; }
        event.preventDefault();
        state = "waiting";
        const submitter = event.submitter;
        const wait = flushFirst ? this.flush() : this.whenIdle();
        Promise.race([wait, new Promise((resolve) => window.setTimeout(resolve, SUBMIT_WAIT_MS))]).then(() => {
          state = "released";
          if (submitter) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
        });
      });
    }

    /* The form is posting the value itself, with the next seq: nothing more to send or warn about. */
    supersede() {
      this.leaving = true;
      this.clear();
    }

    /* A conflict: stop saving, but keep warning before the page (and its text) is left. */
    stop() {
      this.stopped = true;
      this.clear();
    }

    unsaved() {
      if (this.leaving) { return false; }
      return this.stopped || this.timer !== null || this.inFlight !== null ||
        JSON.stringify(this.options.read()) !== this.settled;
    }

    wait(delay) {
      this.clear();
      this.timer = window.setTimeout(() => this.send(), delay);
    }

    clear() {
      if (this.timer !== null) { window.clearTimeout(this.timer); }
      this.timer = null;
    }

    /* Only the newest value is ever sent: it is read when the request leaves, so changes made
       while another request is on its way (or while a retry waits) go out together, once. */
    send() {
      this.clear();
      if (this.stopped || this.leaving) { return; }
      if (this.inFlight) { this.due = true; return; }
      const value = this.options.read();
      if (value === undefined) {
        if (this.options.onNotReady) { this.options.onNotReady(); }
        return;
      }
      const text = JSON.stringify(value);
      if (text === this.settled) { return; }
      const seq = this.takeSeq();
      this.options.onSaving();
      this.inFlight = put(this.options.url, this.options.body(value, seq))
        .catch(() => ({ status: 0, data: {} }))  // no connection: handled as a server failure
        .then((reply) => this.settle(reply, text, seq));
    }

    takeSeq() {
      const seq = Math.max(parseInt(this.options.seqInput.value, 10) || 1, 1);
      this.options.seqInput.value = String(seq + 1);
      return seq;
    }

    raiseSeq(next) {
      if (next > (parseInt(this.options.seqInput.value, 10) || 0)) { this.options.seqInput.value = String(next); }
    }

    settle(reply, text, seq) {
      this.inFlight = null;
      const data = reply.data;
      if (typeof data.seq === "number") { this.raiseSeq(data.seq + 1); }
      if (reply.status === 0 || reply.status >= 500) {
        // Try again later, with capped exponential backoff; the retry sends the newest value.
        this.due = false;
        if (this.stopped || this.leaving) { return; }
        this.options.onRetrying(this.retryDelay);
        this.wait(this.retryDelay);
        this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_MS);
        return;
      }
      this.retryDelay = FIRST_RETRY_MS;
      if (reply.status >= 200 && reply.status < 300) {
        this.settled = text;
        this.options.onSaved(data, seq);
        if (this.due) { this.due = false; this.send(); }
        return;
      }
      // Refused: sending the same value again would be refused again, so wait for a change.
      this.due = false;
      if (reply.status === 409 || reply.status === 423) {
        this.settled = text;  // the server decided about this value: never resend it over the newer one
        this.options.onConflict(data, reply.status);
      } else {
        this.options.onRefused(data, reply.status);
      }
    }
  }

  /* "14:05:09": when a save was acknowledged, in the person's own clock. */
  SequencedSave.clock = function (date) {
    return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
  };

  window.SequencedSave = SequencedSave;
}());
