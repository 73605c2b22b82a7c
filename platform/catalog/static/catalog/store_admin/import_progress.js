// Follows a running catalog import from its page: polls the job's progress every two seconds,
// shows the rows processed, and reloads the page (with its report) once the job has ended.
(function () {
  "use strict";
  const job = document.querySelector("[data-import-progress-url]");
  if (!job) return;
  const url = job.dataset.importProgressUrl;
  const bar = job.querySelector("[data-import-bar]");
  const count = job.querySelector("[data-import-count]");
  const status = job.querySelector("[data-import-status]");

  async function poll() {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) {
        const progress = await response.json();
        if (!progress.running) {
          window.location.reload();
          return;
        }
        status.textContent = progress.status_label;
        if (bar) {
          bar.max = Math.max(progress.total_rows, 1);
          bar.value = progress.processed_rows;
        }
        if (count) count.textContent = `${progress.processed_rows} of ${progress.total_rows} rows`;
      }
    } catch (error) {
      // A missed poll is retried: the job goes on in the background either way.
    }
    window.setTimeout(poll, 2000);
  }
  window.setTimeout(poll, 2000);
})();
