// Follows an analysis running on a worker (its progress bar) and reloads the page when it ends.
(function () {
  "use strict";
  const section = document.getElementById("run-progress");
  if (!section) return;
  const bar = document.getElementById("run-bar");
  const stage = document.getElementById("run-stage");
  function poll() {
    fetch(section.dataset.runUrl, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((run) => {
        bar.value = run.progress;
        bar.textContent = run.progress + " %";
        stage.textContent = run.stage || run.status;
        if (run.status === "succeeded" || run.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(() => window.setTimeout(poll, 5000));
  }
  window.setTimeout(poll, 1000);
})();
