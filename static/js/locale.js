// The locale every script writes numbers and dates in: the page's language. A browser without Kazakh locale data
// (Chromium's reduced data claims Kazakh yet writes "0.5", "1,606,778.7" and "2026-11-01") writes Kazakh through
// Russian's rules, which Kazakh shares ("1 606 778,7", dd.mm.yyyy), not in its own default: told by the decimal comma.
(function () {
  "use strict";
  const language = document.documentElement.lang || "ru";
  window.qaldyqLocale = language === "kk" && !(0.5).toLocaleString("kk").includes(",") ? "ru" : language;
})();
