// Upstream's own small enhancements for the supplier and map pages. Every
// page works without them: the select still needs its button, and tables
// are already sorted on the server.
(function () {
  "use strict";
  // A select marked autosubmit sends its form when changed.
  document.querySelectorAll("select.autosubmit").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  // The import form says that it is working once sent: the upload and the
  // risk recompute can take a while, and a second press would import again.
  document.querySelectorAll("form.import-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      var status = form.querySelector("#import-status");
      if (button) { button.disabled = true; }
      if (status) { status.textContent = "Uploading and importing; the page shows the result when it is done."; }
    });
  });
  // Tables marked sortable get buttons in their headers that sort rows in
  // place; numeric columns sort by their data-value.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.dataset.sort === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col], d;
          if (numeric) {
            d = parseFloat(x.dataset.value || x.textContent) - parseFloat(y.dataset.value || y.textContent);
          } else {
            d = x.textContent.localeCompare(y.textContent);
          }
          return ascending ? d : -d;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  // The map paints countries in document order, so the neighbours that
  // come after a focused country cover part of its focus ring. The focused
  // country is drawn again, fill and ring, by a shape of its own last in
  // the map; it takes no pointer and is hidden from assistive technology.
  // Without script the country's own stroke still shows focus.
  var map = document.getElementById("worldmap");
  if (map) {
    var ring = document.createElementNS("http://www.w3.org/2000/svg", "path");
    ring.setAttribute("class", "focus-ring");
    ring.setAttribute("aria-hidden", "true");
    map.appendChild(ring);
    map.addEventListener("focusin", function (e) {
      var shape = e.target.querySelector ? e.target.querySelector("path") : null;
      if (shape) {
        ring.setAttribute("d", shape.getAttribute("d"));
        ring.setAttribute("class", "focus-ring " + (shape.getAttribute("class") || ""));
      } else {
        ring.removeAttribute("d");
      }
    });
    map.addEventListener("focusout", function () { ring.removeAttribute("d"); });
  }
})();
