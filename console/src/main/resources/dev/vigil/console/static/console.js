// Vigil console: the only script, shipped in the jar. Runs FullGrad on demand on the event page.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("run-fullgrad");
  if (!button) {
    return;
  }
  button.addEventListener("click", function () {
    var status = document.getElementById("fullgrad-status");
    var img = document.getElementById("fullgrad-img");
    button.disabled = true;
    status.textContent = "running FullGrad...";
    fetch(button.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) {
          return r.text().then(function (t) { throw new Error(t.trim() || ("HTTP " + r.status)); });
        }
        return r.blob();
      })
      .then(function (blob) {
        img.onload = function () {
          status.textContent = "done";
          document.getElementById("fullgrad").hidden = false;
        };
        img.src = URL.createObjectURL(blob);
      })
      .catch(function (e) {
        status.textContent = "FullGrad failed: " + e.message;
        button.disabled = false;
      });
  });
});
