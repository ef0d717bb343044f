// The war room, enhanced: live timeline updates, notes posted without a reload (focus and draft kept),
// and keyboard shortcuts. Without JavaScript every form still posts and a reload shows new entries.
(() => {
  "use strict";
  const room = document.querySelector("[data-war-room]");
  if (!room) return;
  const list = document.getElementById("timeline-list");
  const live = document.getElementById("live-status");
  const stale = document.getElementById("stale-notice");
  const elapsed = document.getElementById("elapsed");
  const composer = document.querySelector("[data-composer]");
  const noteBody = document.getElementById("note-body");
  const noteAt = document.getElementById("note-occurred_at");
  const pollMs = Math.max(1, Number(room.dataset.pollSeconds) || 4) * 1000;
  const draftKey = `warroom:note-draft:${room.dataset.incidentId}`;
  let lastId = Number(room.dataset.lastEventId) || 0;
  let busy = false;
  let timer = null;

  const say = (text) => { if (live) live.textContent = text; };
  const nearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const scrollToEnd = () => { list.scrollTop = list.scrollHeight; };
  const instant = (entry) => Date.parse(entry.dataset.at);

  function insertInOrder(entry) {
    // A backdated note belongs where it happened, not at the bottom.
    const at = instant(entry);
    const id = Number(entry.dataset.id);
    const after = [...list.children].find((other) => {
      const otherAt = instant(other);
      return otherAt > at || (otherAt === at && Number(other.dataset.id) > id);
    });
    list.insertBefore(entry, after || null);
  }

  function linkCorrection(entry) {
    const original = document.getElementById(`event-${entry.dataset.corrects}`);
    const marker = original && original.querySelector(".tl-corrected-by");
    if (!marker) return;
    const link = document.createElement("a");
    link.href = `#${entry.id}`;
    link.textContent = `entry #${entry.dataset.id}`;
    marker.append(" ", link);
    marker.hidden = false;
    original.classList.add("is-corrected");
  }

  function stop(message) {
    if (timer) clearInterval(timer);
    timer = null;
    say(message);
  }

  async function poll() {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(`${room.dataset.fragmentUrl}?after=${lastId}`, {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.redirected || response.status === 401) {
        stop("Signed out: live updates stopped. Reload the page to log in again.");
        return;
      }
      if (!response.ok) {
        say(`Live updates paused: the server answered ${response.status}. Retrying.`);
        return;
      }
      const template = document.createElement("template");
      template.innerHTML = await response.text();
      const stick = nearBottom();
      let added = 0;
      for (const entry of template.content.querySelectorAll("li.tl-entry")) {
        lastId = Math.max(lastId, Number(entry.dataset.id));
        if (document.getElementById(entry.id)) continue;
        insertInOrder(entry);
        if (entry.dataset.corrects) linkCorrection(entry);
        if (!/^(note\.|event\.corrected)/.test(entry.dataset.kind) && stale) stale.hidden = false;
        added += 1;
      }
      if (added) {
        document.getElementById("timeline-empty")?.remove();
        if (stick) scrollToEnd();
        say(`${added} new timeline entr${added === 1 ? "y" : "ies"}.`);
      }
      const elapsedText = response.headers.get("X-Warroom-Elapsed");
      if (elapsedText && elapsed) elapsed.textContent = elapsedText;
      const status = response.headers.get("X-Warroom-Status");
      if (status && status !== room.dataset.status && stale) stale.hidden = false;
    } catch (error) {
      say("Live updates paused: network problem. Retrying.");
    } finally {
      busy = false;
    }
  }

  function showError(field, message) {
    clearErrors();
    const input = document.getElementById(field) || noteBody;
    const note = document.createElement("p");
    note.className = "field-error";
    note.id = `${input.id}-error`;
    note.setAttribute("role", "alert");
    note.textContent = message;
    input.insertAdjacentElement("afterend", note);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
  }

  function clearErrors() {
    composer.querySelectorAll(".field-error").forEach((el) => el.remove());
    composer.querySelectorAll("[aria-invalid]").forEach((el) => {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
  }

  if (composer && noteBody) {
    if (!noteBody.value && sessionStorage.getItem(draftKey)) noteBody.value = sessionStorage.getItem(draftKey);
    noteBody.addEventListener("input", () => sessionStorage.setItem(draftKey, noteBody.value));
    noteBody.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        composer.requestSubmit();
      }
    });
    composer.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!noteBody.value.trim()) {
        showError("note-body", "Write the note first.");
        noteBody.focus();
        return;
      }
      const button = composer.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const response = await fetch(composer.action, {
          method: "POST",
          body: new URLSearchParams(new FormData(composer)),
          headers: { "X-Warroom-Async": "1", Accept: "application/json" },
          credentials: "same-origin",
        });
        if (response.status === 201) {
          noteBody.value = "";
          if (noteAt) noteAt.value = "";
          sessionStorage.removeItem(draftKey);
          clearErrors();
          await poll();
          scrollToEnd();
          say("Note posted.");
        } else {
          const data = await response.json().catch(() => ({}));
          const field = (data.detail && data.detail.field) || "note-body";
          showError(field, data.error || `The note was not posted (error ${response.status}); your text is kept.`);
        }
      } catch (error) {
        showError("note-body", "Network problem: the note was not posted; your text is kept. Try again.");
      } finally {
        button.disabled = false;
        noteBody.focus();
      }
    });
  }

  // Shortcuts, ignored while typing so they never eat a letter of a note.
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    const targets = {
      n: () => noteBody,
      s: () => document.querySelector("#status-form button, #status-form input"),
      r: () => document.getElementById("roles"),
      t: () => document.getElementById("tasks"),
    };
    const target = targets[event.key] && targets[event.key]();
    if (!target) return;
    event.preventDefault();
    target.focus();
    target.scrollIntoView({ block: "nearest" });
  });

  // After "load", so the browser's own scroll restoration on reload does not undo it.
  // A link to one entry (#event-12) scrolls to it instead; other anchors (#roles) leave the timeline alone.
  const landOnNewest = () => {
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target || !list.contains(target)) scrollToEnd();
  };
  if (document.readyState === "complete") landOnNewest();
  else window.addEventListener("load", () => requestAnimationFrame(landOnNewest));
  timer = setInterval(() => { if (!document.hidden) poll(); }, pollMs);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
})();
