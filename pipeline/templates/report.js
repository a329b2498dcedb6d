// Triage report: sorting and filtering of the table, opening cards. Reads data only through
// JSON.parse and textContent; never writes HTML. The page's CSP runs this script by its hash.
(function () {
  "use strict";
  var dataEl = document.getElementById("report-data");
  var table = document.getElementById("subs");
  if (!dataEl || !table) { return; }
  var data = JSON.parse(dataEl.textContent);
  var byId = {};
  data.rows.forEach(function (r) { byId[r.id] = r; });
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var unitSel = document.getElementById("f-unit");
  var subSel = document.getElementById("f-sub");
  var flagSel = document.getElementById("f-flag");
  var textIn = document.getElementById("f-text");
  var countEl = document.getElementById("f-count");
  var cardText = null;

  function fullText(id) {
    if (cardText === null) {
      cardText = {};
      Array.prototype.forEach.call(document.querySelectorAll("article.card"), function (c) {
        cardText[c.getAttribute("data-id")] = c.textContent.toLowerCase();
      });
    }
    return cardText[id] || "";
  }

  function apply() {
    var unit = unitSel.value, sub = subSel.value, flag = flagSel.value;
    var q = textIn.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (tr) {
      var r = byId[tr.getAttribute("data-id")];
      var ok = !!r && (!unit || r.unit === unit) && (!sub || r.sub === sub) &&
        (!flag || r.flags.indexOf(flag) >= 0) &&
        (!q || r.search.indexOf(q) >= 0 || fullText(r.id).indexOf(q) >= 0);
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    countEl.textContent = "显示 " + shown + " / " + rows.length + " 条";
  }

  function sortBy(th) {
    var index = th.cellIndex;
    var numeric = th.getAttribute("data-sort") === "num";
    var current = th.getAttribute("aria-sort");
    var dir = current ? (current === "ascending" ? "descending" : "ascending") : (numeric ? "descending" : "ascending");
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    function key(tr) {
      var cell = tr.cells[index];
      if (numeric) {
        var v = parseFloat(cell.getAttribute("data-v"));
        return isNaN(v) ? null : v;
      }
      return cell.textContent.trim();
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x === null || y === null) { return (x === null) - (y === null); }  // empty values last
      if (numeric) { return sign * (x - y); }
      return sign * x.localeCompare(y, "zh-Hans-CN");
    });
    rows.forEach(function (tr) { tbody.appendChild(tr); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    if (!th.hasAttribute("data-sort")) { return; }
    th.tabIndex = 0;
    th.title = "点击排序";
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sortBy(th); } });
  });
  tbody.addEventListener("click", function (e) {
    if (e.target.closest("a")) { return; }
    var tr = e.target.closest("tr");
    if (tr) { location.hash = "card-" + tr.getAttribute("data-id"); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && location.hash.indexOf("#card-") === 0) { location.hash = "list"; }
  });
  [unitSel, subSel, flagSel].forEach(function (el) { el.addEventListener("change", apply); });
  textIn.addEventListener("input", apply);
  document.getElementById("f-reset").addEventListener("click", function () {
    unitSel.value = ""; subSel.value = ""; flagSel.value = ""; textIn.value = "";
    apply();
  });
  apply();
}());
