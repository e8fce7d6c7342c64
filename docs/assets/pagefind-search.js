// Pagefind search box in the Material header; builder/search.py adds this script when Pagefind is on.
(function () {
  var cfg = JSON.parse(document.getElementById("__config").textContent);
  var base = new URL(cfg.base.replace(/\/?$/, "/"), location.href);
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("pagefind/pagefind-ui.css", base).href;
  document.head.appendChild(css);
  var box = document.createElement("div");
  box.id = "rs-pagefind";
  box.className = "rs-pagefind";
  var anchor = document.querySelector(".md-header__inner .md-header__source") ||
    document.querySelector(".md-header__inner");
  anchor.parentNode.insertBefore(box, anchor.classList.contains("md-header__inner") ? null : anchor);
  var ui = document.createElement("script");
  ui.src = new URL("pagefind/pagefind-ui.js", base).href;
  var bundle = new URL("pagefind/", base);
  // A large site is indexed in shards (builder/search.py); shards.json lists the extra bundles.
  var shards = fetch(new URL("shards.json", bundle).href)
    .then(function (r) { return r.ok ? r.json() : []; })
    .catch(function () { return []; });
  ui.onload = function () {
    shards.then(function (extra) {
      new PagefindUI({
        element: "#rs-pagefind",
        bundlePath: bundle.pathname,
        baseUrl: base.pathname,
        mergeIndex: extra.map(function (path) {
          return { bundlePath: new URL(path, bundle).pathname, baseUrl: base.pathname };
        }),
        showSubResults: true,
        // A topic page carries the words readers type for it in the metadata fields "names"
        // and "forms" (builder/search.py): a match there counts as much as one in the title.
        ranking: { metaWeights: { title: 5.0, names: 5.0, forms: 5.0 } },
        showImages: false,
        resetStyles: false
      });
    });
  };
  document.head.appendChild(ui);
})();
