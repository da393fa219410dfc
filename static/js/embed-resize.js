// Runs inside an embedded page: tells the framing page how tall the content is, so it can size
// the iframe. Messages go only to the framing page's origin, and only if that origin is on the
// portal's allowlist (listed by the server on <html data-embed-origins>).
(function () {
    "use strict";
    if (window.parent === window) {
        return;
    }
    var allowed = (document.documentElement.getAttribute("data-embed-origins") || "").split(" ").filter(Boolean);
    var parentOrigin = "";
    if (window.location.ancestorOrigins && window.location.ancestorOrigins.length) {
        parentOrigin = window.location.ancestorOrigins[0];
    } else if (document.referrer) {
        parentOrigin = new URL(document.referrer).origin;
    }
    if (allowed.indexOf(parentOrigin) === -1) {
        return;
    }
    var lastHeight = 0;
    function report() {
        var height = Math.ceil(document.documentElement.scrollHeight);
        if (height !== lastHeight) {
            lastHeight = height;
            window.parent.postMessage({ type: "portal-embed:height", height: height }, parentOrigin);
        }
    }
    if ("ResizeObserver" in window) {
        new ResizeObserver(report).observe(document.body);
    }
    window.addEventListener("load", report);
    document.addEventListener("toggle", report, true);
    report();
})();
