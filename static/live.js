// Live department dashboard: listens to /department/live (Server-Sent
// Events) and, when a push arrives, reloads the list in place — no page
// reload, the scroll position and the address stay — and says so to screen
// readers. Without JavaScript the page works as before; a reload shows the
// same thing.
(function () {
  "use strict";
  var root = document.getElementById("live-dashboard");
  if (!root || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var words = document.getElementById("live-words");
  var say = function (text) {
    var status = document.getElementById("live-status");
    if (status) {
      status.textContent = text;
    }
  };
  var busy = false;
  var again = false;
  var refresh = function (announce) {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(window.location.href, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("live-dashboard");
        if (fresh) {
          root.innerHTML = fresh.innerHTML;
          root.setAttribute("data-updated", String(Date.now()));
        }
        if (announce && words) {
          say(words.getAttribute("data-new-push"));
        }
      })
      .catch(function () {
        // The next event (or a manual reload) tries again.
      })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          refresh(false);
        }
      });
  };
  var opened = false;
  var source = new EventSource(root.getAttribute("data-live-url"));
  source.addEventListener("ready", function () {
    if (opened) {
      // Reconnected: announcements may have been missed meanwhile.
      refresh(false);
    }
    opened = true;
    root.setAttribute("data-live", "connected");
  });
  source.addEventListener("push", function () {
    refresh(true);
  });
  source.addEventListener("resync", function () {
    refresh(false);
  });
  // The session ended (signed out here or elsewhere, expired, disabled):
  // say so and stop listening; the browser would otherwise reconnect.
  source.addEventListener("session-ended", function () {
    source.close();
    root.setAttribute("data-live", "ended");
    if (words) {
      say(words.getAttribute("data-signed-out"));
    }
  });
})();
