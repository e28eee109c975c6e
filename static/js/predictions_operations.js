// Admin operations: start a retrain or a forecast and poll its state.
(function () {
  "use strict";
  const root = document.getElementById("operations");
  if (!root) return;
  const status = document.getElementById("job-status");
  function poll(id) {
    fetch(root.dataset.jobsUrl + encodeURIComponent(id) + "/", { credentials: "same-origin" })
      .then((response) => response.json())
      .then((job) => {
        const latest = job.latest_run ? " · " + job.latest_run.kind + " " + job.latest_run.status : "";
        status.textContent = root.dataset.labelState + ": " + job.state + latest;
        status.dataset.state = job.state;
        if (!job.ready) setTimeout(() => poll(id), 2000);
      });
  }
  root.querySelectorAll("button.job").forEach((button) => {
    button.addEventListener("click", () => {
      fetch(root.dataset.jobsUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
        body: JSON.stringify({ action: button.dataset.action }),
      })
        .then((response) => response.json())
        .then((job) => poll(job.id));
    });
  });
})();
