// Shared behaviour for every page. Served as a file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  // Bootstrap tooltips wherever a page asks for one.
  document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
    new bootstrap.Tooltip(el);
  });
  // Re-initialise after HTMX swaps in new content.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    event.target.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      new bootstrap.Tooltip(el);
    });
  });

  // A part of the page loaded after it (hx-trigger="load", e.g. the opportunity's team-selling tab) may hold
  // the #anchor the address names: the browser looked for it before it was there, so go to it now.
  if (window.htmx) {
    htmx.onLoad(function (content) {
      var id = decodeURIComponent(window.location.hash.slice(1));
      if (!id || !content.querySelector) { return; }
      var target = content.id === id ? content : content.querySelector("#" + CSS.escape(id));
      if (target) {
        target.scrollIntoView({block: "start"});
        if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
        target.focus({preventScroll: true});
      }
    });
  }

  // A part that could not be loaded says so, with a retry, instead of "Loading…" for ever:
  // <div hx-get=... data-load-error="Could not load this part." data-load-retry="Try again">.
  function loadFailed(event) {
    var part = event.detail && event.detail.elt;
    if (!part || !part.hasAttribute || !part.hasAttribute("data-load-error")) { return; }
    var box = document.createElement("div");
    box.className = "alert alert-warning small my-2";
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "load-error");
    box.appendChild(document.createTextNode(part.getAttribute("data-load-error") + " "));
    var retry = document.createElement("a");
    retry.href = window.location.href;
    retry.textContent = part.getAttribute("data-load-retry") || "↻";
    box.appendChild(retry);
    part.replaceChildren(box);
  }
  document.body.addEventListener("htmx:responseError", loadFailed);
  document.body.addEventListener("htmx:sendError", loadFailed);

  // A form that writes is sent once: its buttons are disabled while it goes (a double click sends nothing
  // more; the server also refuses a second use of a create form's token). Disabled just after the browser
  // took the form's values, so that the clicked button's name and value still go with it.
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (el.tagName === "BUTTON" && (el.type || "submit") === "submit") ||
        (el.tagName === "INPUT" && (el.type === "submit" || el.type === "image"));
    });
  }
  function setSending(form, sending) {
    if (sending) { form.setAttribute("data-sending", ""); } else { form.removeAttribute("data-sending"); }
    submitButtons(form).forEach(function (button) {
      if (sending && !button.disabled) {
        button.disabled = true;
        button.setAttribute("data-sending-disabled", "");
      } else if (!sending && button.hasAttribute("data-sending-disabled")) {
        button.disabled = false;
        button.removeAttribute("data-sending-disabled");
      }
    });
  }
  function writes(form) {
    return (form.getAttribute("method") || "get").toLowerCase() === "post" || form.hasAttribute("hx-post");
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !writes(form)) { return; }
    if (form.hasAttribute("data-sending")) {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented && !form.hasAttribute("hx-post")) { return; }  // another script keeps it here
    form.setAttribute("data-sending", "");
    window.setTimeout(function () { setSending(form, true); }, 0);
  });
  // HTMX forms stay on the page: usable again once the answer (or the error) is in.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-sending")) { setSending(form, false); }
  });
  // Back to a page the browser kept (back/forward cache): its forms can be used again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-sending]").forEach(function (form) { setSending(form, false); });
  });
})();

// Short numbers for chart axes and tooltips: Chinese readers count in 万 and 亿, English readers in
// thousands and millions (the page's <html lang> says which). Shared by the funnel, forecast and tender charts.
window.CRM = window.CRM || {};
window.CRM.compactNumber = function (value, digits) {
  // `digits`: decimals for 万 and thousands (default 1); 亿 and millions always show one.
  var v = Number(value);
  var a = Math.abs(v);
  var d = digits === undefined ? 1 : digits;
  if ((document.documentElement.lang || "").indexOf("en") === 0) {
    if (a >= 1000000) { return (v / 1000000).toFixed(1) + "M"; }
    if (a >= 1000) { return (v / 1000).toFixed(d) + "K"; }
    return v.toLocaleString();
  }
  if (a >= 100000000) { return (v / 100000000).toFixed(1) + "亿"; }
  if (a >= 10000) { return (v / 10000).toFixed(d) + "万"; }
  return v.toLocaleString();
};

// A date the browser cannot read (31 February typed into the picker) is sent as an empty value; say so with
// "<name>__invalid", so the server answers "enter a valid date" rather than "this field is required"
// (crm/forms.py BAD_INPUT_SUFFIX). Plain submits get a hidden input, HTMX requests a parameter.
(function () {
  var PICKERS = "input[type=date], input[type=datetime-local], input[type=time], input[type=month]";
  function unreadable(form) {
    return Array.prototype.filter.call(form.querySelectorAll(PICKERS), function (input) {
      return input.name && input.validity && input.validity.badInput;
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    form.querySelectorAll("input[data-bad-input]").forEach(function (flag) { flag.remove(); });
    unreadable(form).forEach(function (input) {
      var flag = document.createElement("input");
      flag.type = "hidden"; flag.name = input.name + "__invalid"; flag.value = "1";
      flag.setAttribute("data-bad-input", "");
      form.appendChild(flag);
    });
  }, true);
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt instanceof HTMLFormElement ? event.detail.elt : event.detail.elt.closest("form");
    if (!form) { return; }
    unreadable(form).forEach(function (input) { event.detail.parameters[input.name + "__invalid"] = "1"; });
  });
})();
