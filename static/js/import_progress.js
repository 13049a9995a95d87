// Polls an import's progress.json and moves the <progress> bar; reloads the page when the run ends.
(function () {
  var box = document.getElementById("import-progress");
  if (!box) return;
  var bar = document.getElementById("import-bar"), status = document.getElementById("import-status");
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      bar.value = data.progress; bar.textContent = Math.round(data.progress * 100) + "%";
      status.textContent = data.status_words || data.status;
      if (data.done) { window.location.reload(); } else { setTimeout(poll, 1000); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
