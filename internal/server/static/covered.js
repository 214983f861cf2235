// covered dashboard: small progressive enhancements only; every page works
// without script.
document.addEventListener("DOMContentLoaded", function () {
  // Raw values that overflow their box get a tab stop, so that keyboard
  // users can scroll them (Chromium does this by itself).
  document.querySelectorAll("pre.raw").forEach(function (pre) {
    if (pre.scrollHeight > pre.clientHeight || pre.scrollWidth > pre.clientWidth) {
      pre.tabIndex = 0;
    }
  });
});
