// repurpose preview: tabs, email width / colour-scheme / remote-image toggles, copy buttons,
// calendar navigation and live reload. No dependencies, nothing fetched from elsewhere.
(function () {
  "use strict";
  var body = document.body;
  var STORE = "repurpose-preview";
  var state = load();

  function load() {
    try {
      return JSON.parse(sessionStorage.getItem(STORE) || "{}") || {};
    } catch (e) {
      return {};
    }
  }
  function save() {
    try {
      sessionStorage.setItem(STORE, JSON.stringify(state));
    } catch (e) { /* private mode: state just is not kept */ }
  }
  function all(sel, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(sel));
  }
  function press(buttons, active) {
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === active ? "true" : "false"); });
  }

  body.classList.add("js");

  // ---- tabs (the hash names the tab, so reloads and shared links keep it) --------------------
  var tabs = all("[role=tab]");
  function showTab(name) {
    var found = tabs.some(function (t) { return t.dataset.tab === name; });
    if (!found) name = tabs.length ? tabs[0].dataset.tab : "";
    tabs.forEach(function (t) {
      var on = t.dataset.tab === name;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.classList.toggle("active", on);
    });
    all(".tab-panel").forEach(function (p) { p.hidden = p.id !== name; });
  }
  window.addEventListener("hashchange", function () { showTab(location.hash.slice(1)); });
  tabs.forEach(function (t) {
    t.addEventListener("click", function (ev) {
      ev.preventDefault();
      history.replaceState(null, "", "#" + t.dataset.tab);
      showTab(t.dataset.tab);
    });
  });
  showTab(location.hash.slice(1));

  // ---- email frame ---------------------------------------------------------------------------
  var frame = document.getElementById("email-frame");
  var device = document.getElementById("email-device");
  var dataEl = document.getElementById("email-data");
  var email = null;
  if (dataEl) {
    try { email = JSON.parse(dataEl.textContent); } catch (e) { email = null; }
  }
  var DARK = /prefers-color-scheme\s*:\s*dark/gi;
  var LIGHT = /prefers-color-scheme\s*:\s*light/gi;
  var ALWAYS = "min-width:0px", NEVER = "max-width:0px";

  // Same transformation as pages.frame_document in Python: emulate the scheme by rewriting the
  // email's prefers-color-scheme media queries, add a CSP and open links in a new tab.
  function frameDoc(html, dark, images) {
    var doc = html.replace(DARK, dark ? ALWAYS : NEVER).replace(LIGHT, dark ? NEVER : ALWAYS);
    var csp = images ? email.csp_images : email.csp_blocked;
    var inject = '<meta http-equiv="Content-Security-Policy" content="' + csp + '"><base target="_blank">';
    var m = /<head\b[^>]*>/i.exec(doc);
    if (m) return doc.slice(0, m.index + m[0].length) + inject + doc.slice(m.index + m[0].length);
    return "<head>" + inject + "</head>" + doc;
  }
  function applyEmail() {
    if (!frame || !email) return;
    var width = state.width || parseInt(device.style.width, 10) || 600;
    var dark = state.scheme === "dark";
    var images = !!state.images;
    device.style.width = width + "px";
    device.classList.toggle("dark", dark);
    frame.style.colorScheme = dark ? "dark" : "light";
    var doc = frameDoc(email.html, dark, images);
    if (frame.srcdoc !== doc) frame.srcdoc = doc;
    press(all("[data-width]"), all("[data-width]").filter(function (b) { return +b.dataset.width === width; })[0]);
    press(all("[data-scheme]"), all("[data-scheme]").filter(function (b) { return b.dataset.scheme === (dark ? "dark" : "light"); })[0]);
    var box = document.getElementById("remote-images");
    if (box) box.checked = images;
    body.dataset.emailWidth = width;
    body.dataset.emailScheme = dark ? "dark" : "light";
  }
  all("[data-width]").forEach(function (b) {
    b.addEventListener("click", function () { state.width = +b.dataset.width; save(); applyEmail(); });
  });
  all("[data-scheme]").forEach(function (b) {
    b.addEventListener("click", function () { state.scheme = b.dataset.scheme; save(); applyEmail(); });
  });
  var imagesBox = document.getElementById("remote-images");
  if (imagesBox) {
    imagesBox.addEventListener("change", function () { state.images = imagesBox.checked; save(); applyEmail(); });
  }
  applyEmail();

  // ---- threads: platform switcher and copy buttons -------------------------------------------
  var platformButtons = all("[data-platform]").filter(function (el) { return el.tagName === "BUTTON"; });
  function showPlatform(name) {
    var names = platformButtons.map(function (b) { return b.dataset.platform; });
    if (names.indexOf(name) < 0) name = names[0];
    press(platformButtons, platformButtons[names.indexOf(name)]);
    all(".platform-panel").forEach(function (p) { p.hidden = p.dataset.platform !== name; });
  }
  platformButtons.forEach(function (b) {
    b.addEventListener("click", function () { state.platform = b.dataset.platform; save(); showPlatform(state.platform); });
  });
  if (platformButtons.length) showPlatform(state.platform);

  function copied(button, ok) {
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = ok ? "Copied" : "Press Ctrl+C";
    button.classList.toggle("done", ok);
    setTimeout(function () { button.textContent = label; button.classList.remove("done"); }, 1500);
  }
  function fallbackCopy(source, button) {
    // Older browsers and non-secure origins: select a temporary textarea and use execCommand.
    var ta = document.createElement("textarea");
    ta.value = source.value;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.left = "-9999px";
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    copied(button, ok);
  }
  all("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copy);
      if (!source) return;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(
          function () { copied(button, true); },
          function () { fallbackCopy(source, button); }
        );
      } else {
        fallbackCopy(source, button);
      }
    });
  });

  // ---- calendar: week / month and paging -----------------------------------------------------
  var cal = document.getElementById("calendar-view");
  if (cal && cal.querySelector(".cal-period")) {
    var calView = state.calView || "month";
    function periods() { return all(".cal-period[data-view=" + calView + "]", cal); }
    var current = null;
    function showPeriod(key) {
      var list = periods();
      var keys = list.map(function (p) { return p.dataset.key; });
      if (keys.indexOf(key) < 0) {
        var holder = cal.querySelector("[data-default-" + calView + "]");
        key = holder ? holder.getAttribute("data-default-" + calView) : keys[0];
      }
      current = key;
      all(".cal-period", cal).forEach(function (p) { p.hidden = !(p.dataset.view === calView && p.dataset.key === key); });
      var idx = keys.indexOf(key);
      var prev = document.getElementById("cal-prev"), next = document.getElementById("cal-next");
      if (prev) prev.disabled = idx <= 0;
      if (next) next.disabled = idx >= keys.length - 1;
      press(all("[data-cal-view]"), all("[data-cal-view]").filter(function (b) { return b.dataset.calView === calView; })[0]);
    }
    all("[data-cal-view]").forEach(function (b) {
      b.addEventListener("click", function () { calView = b.dataset.calView; state.calView = calView; save(); showPeriod(null); });
    });
    function step(d) {
      var keys = periods().map(function (p) { return p.dataset.key; });
      var i = keys.indexOf(current) + d;
      if (i >= 0 && i < keys.length) showPeriod(keys[i]);
    }
    var prevB = document.getElementById("cal-prev"), nextB = document.getElementById("cal-next");
    if (prevB) prevB.addEventListener("click", function () { step(-1); });
    if (nextB) nextB.addEventListener("click", function () { step(1); });
    showPeriod(null);
  }

  // ---- live reload ---------------------------------------------------------------------------
  if (body.dataset.live === "1" && window.EventSource) {
    var status = document.getElementById("live-status");
    var mine = body.dataset.version;
    var source = new EventSource("events");
    source.addEventListener("version", function (ev) {
      body.dataset.connected = "1";
      if (status) { status.textContent = "live"; status.classList.remove("offline"); }
      if (ev.data !== mine) {
        state.scrollY = window.scrollY;
        save();
        source.close();
        location.reload();
      }
    });
    source.addEventListener("error", function () {
      body.dataset.connected = "0";
      if (status) { status.textContent = "reconnecting…"; status.classList.add("offline"); }
    });
    if (typeof state.scrollY === "number") {
      window.scrollTo(0, state.scrollY);
      delete state.scrollY;
      save();
    }
  }
})();
