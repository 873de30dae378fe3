// Filters the dataset list of the catalog page in the browser. The page works
// without it: every dataset is listed and the form is an ordinary GET form.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("dataset-list");
  var status = document.getElementById("results");
  var script = document.currentScript;
  if (!form || !list || !status || !script || !window.fetch) return;
  var indexURL = script.getAttribute("data-index");
  var template = status.getAttribute("data-template") || "{n}/{total}";
  var items = [];

  function norm(s) {
    return (s || "").toString().toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function values() {
    var get = function (name) { var el = form.elements[name]; return el ? el.value : ""; };
    return { q: norm(get("q")).trim(), pub: get("pub"), theme: get("theme"), format: get("format"), since: get("since") };
  }

  function apply() {
    var v = values();
    var words = v.q ? v.q.split(/\s+/) : [];
    var shown = 0;
    items.forEach(function (it) {
      var text = norm([it.t, it.d, it.k, it.pn].join(" "));
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
        (!v.pub || it.p === v.pub) &&
        (!v.theme || it.th === v.theme) &&
        (!v.format || (it.f || []).indexOf(v.format) >= 0) &&
        (!v.since || (it.u && it.u >= v.since));
      var li = document.getElementById("d-" + it.id);
      if (li) li.hidden = !ok;
      if (ok) shown++;
    });
    status.textContent = template.replace("{n}", shown).replace("{total}", items.length);
  }

  function fromURL() {
    var params = new URLSearchParams(window.location.search);
    params.forEach(function (value, key) {
      var el = form.elements[key];
      if (el) el.value = value;
    });
  }

  function toURL() {
    var params = new URLSearchParams();
    var v = values();
    Object.keys(v).forEach(function (k) { if (v[k]) params.set(k, form.elements[k].value); });
    var q = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (q ? "?" + q : ""));
  }

  fetch(indexURL, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) {
      items = data || [];
      fromURL();
      apply();
      form.addEventListener("input", function () { apply(); toURL(); });
      form.addEventListener("change", function () { apply(); toURL(); });
      form.addEventListener("submit", function (e) { e.preventDefault(); apply(); toURL(); status.focus(); });
    })
    .catch(function () { /* keep the full list */ });
})();
