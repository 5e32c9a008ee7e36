// Lets an open page show news without a reload: a new report, a consent request or change, a
// benefit-change signal. The page works without this script; with it, the page listens to its
// event stream (GET /live, gateway/pages/shared/live-stream.ts), and on an event says what
// happened in its status line and fetches itself again, swapping in the parts marked
// data-live-region (same ids). No framework and nothing inline: the CSP allows scripts from this
// origin only.
(function () {
  'use strict';
  var status = document.querySelector('[data-live-stream]');
  if (!status || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var url = status.getAttribute('data-live-stream');
  var KINDS = ['rapportage', 'toestemming', 'signalering'];
  var source = null;
  var stopped = false;
  var wasOpen = false;
  var lost = false;
  var retryMs = 1000;
  var fetching = false;
  var again = false;

  function say(text) {
    status.textContent = text;
  }

  // The page as the server renders it now; only the marked parts are replaced, so what the person
  // is typing elsewhere on the page stays.
  function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    fetch(window.location.href, { credentials: 'same-origin', cache: 'no-store', headers: { 'kp-live-refresh': '1' } })
      .then(function (res) {
        if (!res.ok || res.redirected) throw new Error('page not available');
        return res.text();
      })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, 'text/html');
        var regions = document.querySelectorAll('[data-live-region]');
        for (var i = 0; i < regions.length; i++) {
          var next = fresh.getElementById(regions[i].id);
          if (next) regions[i].replaceWith(document.importNode(next, true));
        }
      })
      .catch(function () {
        say('Er is iets nieuws. Laad de pagina opnieuw om het te zien.');
      })
      .then(function () {
        fetching = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  function onNews(event) {
    var data = {};
    try {
      data = JSON.parse(event.data);
    } catch (e) {
      // An event without words still means the page changed.
    }
    say('Nieuw: ' + (data.tekst || 'er is iets veranderd') + '.');
    refresh();
  }

  function connect() {
    source = new EventSource(url);
    source.addEventListener('open', function () {
      retryMs = 1000;
      // Events sent while the connection was away (a gateway restart) were not heard: catch up.
      if (lost) refresh();
      lost = false;
      wasOpen = true;
    });
    for (var i = 0; i < KINDS.length; i++) source.addEventListener(KINDS[i], onNews);
    source.addEventListener('einde', function (event) {
      var reason = '';
      try {
        reason = JSON.parse(event.data).reden;
      } catch (e) {
        reason = '';
      }
      if (reason === 'herstart') return; // the server restarts: reconnect as after any drop
      stopped = true;
      source.close();
      say('U bent niet meer ingelogd. Deze pagina verandert niet meer vanzelf. Laad de pagina opnieuw om in te loggen.');
    });
    source.addEventListener('error', function () {
      lost = true;
      // EventSource reconnects by itself after a dropped connection; it gives up only when an
      // answer was not a stream (a gateway shutting down answers 503). Then try again, slower.
      if (stopped || source.readyState !== EventSource.CLOSED || !wasOpen) return;
      window.setTimeout(function () {
        if (!stopped) connect();
      }, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }

  connect();
})();
