// For the framing page (the hospital intranet): include this script once, and mark each portal
// iframe with data-portal-embed. Each iframe then takes the height its page reports. Messages are
// accepted only from the portal's own origin and from that iframe's window.
(function () {
    "use strict";
    function frames() {
        return Array.prototype.slice.call(document.querySelectorAll("iframe[data-portal-embed]"));
    }
    window.addEventListener("message", function (event) {
        var data = event.data;
        if (!data || data.type !== "portal-embed:height" || typeof data.height !== "number") {
            return;
        }
        frames().forEach(function (frame) {
            var portalOrigin = new URL(frame.src, window.location.href).origin;
            if (event.origin === portalOrigin && event.source === frame.contentWindow) {
                frame.style.height = Math.max(100, Math.min(data.height, 100000)) + "px";
            }
        });
    });
})();
