// Filters the catalog in the browser. The page works without it: the list is
// paginated and every theme and comune has its own listing page. The search
// index is fetched only when someone starts filtering, so the page stays
// light however many datasets the portal holds.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var browse = document.getElementById("browse");
  var results = document.getElementById("search-results");
  var status = document.getElementById("results");
  var script = document.currentScript;
  if (!form || !browse || !results || !status || !script || !window.fetch) return;
  var indexURL = script.getAttribute("data-index");
  var base = indexURL.replace(/index\.json$/, "");
  var template = status.getAttribute("data-template") || "{n}/{total}";
  var capped = status.getAttribute("data-capped") || template;
  var initial = status.textContent;
  var maxShown = 100;
  var items = null;
  var loading = null;

  function norm(s) {
    return (s || "").toString().toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function get(name) { var el = form.elements[name]; return el ? el.value : ""; }

  function values() {
    return { q: norm(get("q")).trim(), pub: get("pub"), pn: norm(get("pn")).trim(), theme: get("theme"), format: get("format"), since: get("since") };
  }

  function active(v) { return !!(v.q || v.pub || v.pn || v.theme || v.format || v.since); }

  // Labels of the codes, read from the form's own options.
  function labels(name) {
    var out = {};
    var el = form.elements[name];
    if (el && el.options) for (var i = 0; i < el.options.length; i++) out[el.options[i].value] = el.options[i].text;
    return out;
  }

  function item(it, themes) {
    var li = document.createElement("li");
    li.className = "dataset-item";
    var h = document.createElement("h2");
    h.className = "h3";
    var a = document.createElement("a");
    a.href = base + it.id + "/";
    a.textContent = it.t;
    h.appendChild(a);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [it.pn, themes[it.th] || it.th, (it.f || []).join(", ").toUpperCase(), it.u].filter(Boolean).join(" · ");
    li.appendChild(h);
    li.appendChild(meta);
    return li;
  }

  function apply() {
    var v = values();
    if (!active(v)) {
      results.hidden = true;
      browse.hidden = false;
      status.textContent = initial;
      return;
    }
    if (!items) { load(); return; }
    var words = v.q ? v.q.split(/\s+/) : [];
    var themes = labels("theme");
    var found = [];
    items.forEach(function (it) {
      var text = norm([it.t, it.k, it.pn, it.id].join(" "));
      if (words.every(function (w) { return text.indexOf(w) >= 0; }) &&
        (!v.pub || it.p === v.pub) &&
        (!v.pn || norm(it.pn).indexOf(v.pn) >= 0) &&
        (!v.theme || it.th === v.theme) &&
        (!v.format || (it.f || []).indexOf(v.format) >= 0) &&
        (!v.since || (it.u && it.u >= v.since))) found.push(it);
    });
    var frag = document.createDocumentFragment();
    found.slice(0, maxShown).forEach(function (it) { frag.appendChild(item(it, themes)); });
    results.textContent = "";
    results.appendChild(frag);
    results.hidden = false;
    browse.hidden = true;
    var t = found.length > maxShown ? capped : template;
    status.textContent = t.replace("{n}", found.length).replace("{total}", items.length).replace("{shown}", maxShown);
  }

  function load() {
    if (loading) return loading;
    loading = fetch(indexURL, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { items = data || []; apply(); })
      .catch(function () { loading = null; /* keep the paginated list */ });
    return loading;
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
    ["q", "pub", "pn", "theme", "format", "since"].forEach(function (k) { var x = get(k); if (x) params.set(k, x); });
    var q = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (q ? "?" + q : ""));
  }

  var timer = null;
  function later() { clearTimeout(timer); timer = setTimeout(function () { apply(); toURL(); }, 150); }

  fromURL();
  if (active(values())) load();
  form.addEventListener("focusin", load, { once: true });
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); toURL(); status.focus(); });
})();
