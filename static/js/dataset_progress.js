// Polls the dataset API while an import runs and moves the progress bar.
(function () {
  "use strict";
  const section = document.getElementById("dataset-status");
  if (!section) return;
  const bar = document.getElementById("progress-bar");
  const progress = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || "es-PE");

  function render(dataset) {
    const p = dataset.progress || {};
    const percent = dataset.status === "imported" || dataset.status === "failed" || dataset.status === "duplicate"
      ? 100 : (p.percent === null || p.percent === undefined ? 0 : p.percent);
    bar.style.width = percent + "%";
    progress.setAttribute("aria-valuenow", String(percent));
    text.textContent = p.total
      ? numberFormat.format(p.done) + " / " + numberFormat.format(p.total) + " (" + percent + " %)"
      : numberFormat.format(p.done || 0);
    const label = document.getElementById("status-label");
    label.textContent = dataset.status_label || dataset.status;
    label.className = "badge status-" + dataset.status;
    for (const key of ["rows_read", "rows_imported", "rows_duplicate", "rows_rejected"]) {
      const cell = document.getElementById(key.replace("_", "-"));
      if (cell) cell.textContent = numberFormat.format(dataset[key]);
    }
    const message = document.getElementById("message");
    message.textContent = dataset.message || "";
    message.className = dataset.status === "failed" ? "error" : "";
    const summary = dataset.rejection_summary || {};
    const rows = document.getElementById("rejection-rows");
    if (Object.keys(summary).length) {
      rows.replaceChildren(...Object.values(summary).map((item) => {
        const tr = document.createElement("tr");
        const reason = document.createElement("td");
        reason.textContent = item.es;
        const count = document.createElement("td");
        count.className = "num";
        count.textContent = numberFormat.format(item.count);
        tr.append(reason, count);
        return tr;
      }));
      document.getElementById("rejections").hidden = false;
    }
    section.dataset.finished = String(["imported", "failed", "duplicate"].includes(dataset.status));
  }

  function poll() {
    fetch(section.dataset.apiUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => response.json())
      .then((dataset) => {
        render(dataset);
        if (section.dataset.finished !== "true") setTimeout(poll, 1000);
      })
      .catch(() => setTimeout(poll, 3000));
  }
  poll();
})();
