/* ES Inventory Hub dashboard: the few interactive bits, talking to the JSON API with the session cookie. */
(function () {
  "use strict";

  const POLL_MS = 2000;

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  async function api(method, url, body) {
    const options = {method, credentials: "same-origin", headers: {"Accept": "application/json"}};
    if (method !== "GET") {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = csrfToken();
      options.body = JSON.stringify(body || {});
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (err) {
      return {ok: false, status: 0, body: null, message: "The hub did not answer: " + err.message};
    }
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    const message = data && data.error ? data.error.message : (response.ok ? "" : "HTTP " + response.status);
    return {ok: response.ok, status: response.status, body: data, message};
  }

  function flash(text, isError) {
    const box = document.getElementById("flash");
    if (!box) { return; }
    box.textContent = text;
    box.hidden = false;
    box.classList.toggle("refusal", !!isError);
  }

  function flashAfterReload(text) {
    sessionStorage.setItem("esinv-flash", text);
    window.location.reload();
  }

  /* --- copy a hostname ------------------------------------------------------------------ */
  function copyWithSelection(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyWithSelection(text); });
    }
    return copyWithSelection(text);
  }

  // Selects that submit their form when changed (no inline handlers: the content security policy refuses them).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-submit-on-change]")) { event.target.form.submit(); }
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button.copy");
    if (!button) { return; }
    const before = button.textContent;
    copyText(button.dataset.copy).then(function () {
      button.textContent = "Copied";
    }, function () {
      button.textContent = "Select and copy";
    }).then(function () {
      setTimeout(function () { button.textContent = before; }, 1500);
    });
  });

  /* --- run the collectors and follow the batch ------------------------------------------ */
  function renderBatch(batch, note) {
    const panel = document.getElementById("run-progress");
    if (!panel) { return; }
    panel.hidden = false;
    const done = ["completed", "failed", "cancelled"].includes(batch.status);
    panel.classList.toggle("completed", batch.status === "completed");
    panel.classList.toggle("failed", batch.status === "failed" || batch.status === "cancelled");
    panel.dataset.status = batch.status;
    const percent = done && batch.status === "completed" ? 100 : (batch.progress_percent || 0);
    document.getElementById("run-bar").style.width = percent + "%";
    panel.querySelector('[role="progressbar"]').setAttribute("aria-valuenow", String(percent));
    let headline = batch.status === "completed" ? "Collection completed" :
      batch.status === "failed" ? "Collection failed" :
      batch.status === "cancelled" ? "Collection cancelled" : "Collecting… " + percent + "%";
    if (batch.message) { headline += ": " + batch.message; }
    document.getElementById("run-message").textContent = (note ? note + " " : "") + headline;
    const list = document.getElementById("run-jobs");
    list.textContent = "";
    (batch.collectors || []).forEach(function (job) {
      const item = document.createElement("li");
      item.dataset.job = job.name;
      item.dataset.status = job.status;
      const text = (job.label || job.name) + ": " + job.status + " (" + job.progress_percent + "%)" +
        (job.status === "failed" ? " — " + (job.message || job.error || "") : (job.message ? " — " + job.message : ""));
      item.textContent = text;
      if (job.status === "failed") { item.className = "error-text"; }
      list.appendChild(item);
    });
    if (done) {
      const button = document.getElementById("run-collectors");
      if (button) { button.disabled = false; }
      const reload = document.createElement("li");
      const link = document.createElement("a");
      link.href = window.location.pathname;
      link.textContent = "Refresh the page to see the new numbers";
      reload.appendChild(link);
      list.appendChild(reload);
    }
    return done;
  }

  async function follow(batchId, note) {
    const button = document.getElementById("run-collectors");
    if (button) { button.disabled = true; }
    for (;;) {
      const result = await api("GET", "/api/collectors/runs/batch/" + encodeURIComponent(batchId));
      if (!result.ok) {
        document.getElementById("run-message").textContent = "Could not read the run's progress: " + result.message;
        if (button) { button.disabled = false; }
        return;
      }
      if (renderBatch(result.body, note)) { return; }
      await new Promise(function (resolve) { setTimeout(resolve, POLL_MS); });
    }
  }

  async function runCollectors(button, body) {
    button.disabled = true;
    const panel = document.getElementById("run-progress");
    panel.hidden = false;
    panel.classList.remove("completed", "failed");
    document.getElementById("run-message").textContent = "Starting the collectors…";
    const result = await api("POST", "/api/collectors/run", body || {});
    if (result.status === 202) {
      renderBatch(result.body);
      return follow(result.body.batch_id);
    }
    if (result.status === 409 && result.body && result.body.error.details.batch_id) {
      return follow(result.body.error.details.batch_id, "A collection was already running; following it.");
    }
    panel.classList.add("failed");
    document.getElementById("run-message").textContent = "Could not start the collectors: " + result.message;
    button.disabled = false;
  }

  /* --- exception actions (one row, or bulk) --------------------------------------------- */
  // A button.act's data-action names the dialog and the flash; data-url (billing variances) is where it posts,
  // else /api/exceptions/<id>/<action>. The row (closest [data-subject] or tr) names what is acted on.
  const ACTION_TITLES = {"resolve": "Resolve exception", "mark-manually-fixed": "Mark manually fixed",
                         "billing-resolve": "Resolve billing variance", "billing-accept": "Accept billing variance"};
  const ACTION_DONE = {"resolve": "Resolved ", "mark-manually-fixed": "Marked manually fixed: ",
                       "billing-resolve": "Resolved ", "billing-accept": "Accepted "};

  function setupActions() {
    const dialog = document.getElementById("action-dialog");
    if (!dialog) { return; }
    let current = null;
    document.querySelectorAll("button.act").forEach(function (button) {
      button.addEventListener("click", function () {
        current = {id: button.dataset.id, action: button.dataset.action, opener: button};
        const row = button.closest("[data-subject]") || button.closest("tr");
        document.getElementById("action-title").textContent = ACTION_TITLES[current.action];
        document.getElementById("action-device").textContent = row ? (row.dataset.subject || row.dataset.hostname || "") : "";
        document.getElementById("action-error").textContent = "";
        document.getElementById("action-notes").value = "";
        dialog.showModal();
        document.getElementById("action-notes").focus();
      });
    });
    document.getElementById("action-cancel").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { if (current) { current.opener.focus(); } });
    document.getElementById("action-form").addEventListener("submit", async function (event) {
      event.preventDefault();
      if (!current) { return; }
      const confirm = document.getElementById("action-confirm");
      confirm.disabled = true;
      const notes = document.getElementById("action-notes").value;
      const url = current.opener.dataset.url || "/api/exceptions/" + current.id + "/" + current.action;
      const result = await api("POST", url, {notes});
      confirm.disabled = false;
      if (!result.ok) {
        document.getElementById("action-error").textContent = result.message;
        return;
      }
      const host = document.getElementById("action-device").textContent;
      flashAfterReload((ACTION_DONE[current.action] || "Done: ") + host + ".");
    });
  }

  function setupBulk() {
    const form = document.getElementById("bulk");
    if (!form) { return; }
    const picks = function () { return Array.from(document.querySelectorAll("input.pick")); };
    const count = function () {
      document.getElementById("bulk-count").textContent = String(picks().filter(function (p) { return p.checked; }).length);
    };
    document.getElementById("select-all").addEventListener("change", function (event) {
      picks().forEach(function (p) { p.checked = event.target.checked; });
      count();
    });
    document.addEventListener("change", function (event) { if (event.target.matches("input.pick")) { count(); } });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const ids = picks().filter(function (p) { return p.checked; }).map(function (p) { return Number(p.value); });
      if (!ids.length) { flash("Select at least one exception first.", true); return; }
      const action = document.getElementById("bulk-action").value;
      const notes = document.getElementById("bulk-notes").value;
      const result = await api("POST", "/api/exceptions/bulk-update", {action, ids, notes});
      if (!result.ok) { flash("Nothing was changed: " + result.message, true); return; }
      flashAfterReload("Updated " + result.body.updated + " exception" + (result.body.updated === 1 ? "" : "s") + ".");
    });
  }

  /* --- exports: the API answers the file; a 202 (a background job, only when asked for) is followed, then downloaded */
  function filenameFrom(response, fallback) {
    const header = response.headers.get("Content-Disposition") || "";
    const match = /filename="?([^";]+)"?/.exec(header);
    return match ? match[1] : fallback;
  }

  async function exportFile(link) {
    const label = link.textContent;
    link.setAttribute("aria-busy", "true");
    link.textContent = label + "…";
    try {
      const response = await fetch(link.href, {credentials: "same-origin"});
      if (response.status === 202) {
        const job = await response.json();
        flash("The file is being prepared in the background; it downloads when ready.", false);
        for (;;) {
          await new Promise(function (resolve) { setTimeout(resolve, POLL_MS); });
          const state = await api("GET", job.status_url);
          if (!state.ok) { flash("Export failed: " + state.message, true); return; }
          if (state.body.status === "completed") { window.location.href = state.body.download_url; return; }
          if (state.body.status === "failed" || state.body.status === "expired") {
            flash("Export failed: " + (state.body.error || state.body.message || state.body.status), true);
            return;
          }
        }
      }
      if (!response.ok) {
        let message = "HTTP " + response.status;
        try { message = (await response.json()).error.message; } catch (err) { /* not JSON */ }
        flash("Export failed: " + message, true);
        return;
      }
      const blob = await response.blob();
      const anchor = document.createElement("a");
      anchor.href = URL.createObjectURL(blob);
      anchor.download = filenameFrom(response, "variances." + link.dataset.export);
      document.body.appendChild(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(function () { URL.revokeObjectURL(anchor.href); }, 10000);
    } finally {
      link.textContent = label;
      link.removeAttribute("aria-busy");
    }
  }

  function setupExports() {
    document.querySelectorAll("a[data-export]").forEach(function (link) {
      if (link.dataset.export === "csv") { return; }  // streamed, never a job: a plain download
      link.addEventListener("click", function (event) {
        event.preventDefault();
        exportFile(link);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const message = sessionStorage.getItem("esinv-flash");
    if (message) { sessionStorage.removeItem("esinv-flash"); flash(message, false); }
    const run = document.getElementById("run-collectors");
    if (run) {
      run.addEventListener("click", function () { runCollectors(run); });
      if (run.dataset.runningBatch) { follow(run.dataset.runningBatch); }
    }
    // A day refused for a sudden drop in device count: re-run that collector for that date, accepting it.
    document.querySelectorAll("button.rerun-drop").forEach(function (rerun) {
      rerun.addEventListener("click", function () {
        runCollectors(rerun, {collectors: [rerun.dataset.collector], snapshot_date: rerun.dataset.date,
                              confirm_drop: true});
      });
    });
    setupActions();
    setupBulk();
    setupExports();
  });
})();
