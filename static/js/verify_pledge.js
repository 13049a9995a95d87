// Checks a copy of a pledge in the visitor's own browser: the pasted text (or the chosen file) is
// hashed with SHA-256 by Web Crypto and compared with the hash the page publishes. Nothing is sent.
// A file is hashed byte for byte; pasted text as UTF-8 (a text box turns Windows line endings into
// "\n" and copying may drop the final newline, so near misses of that kind are named as such).
(function () {
  "use strict";

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function sha256(bytes) {
    return window.crypto.subtle.digest("SHA-256", bytes).then(hex);
  }

  function setup(box) {
    var expected = box.getAttribute("data-verify-sha256");
    var text = box.querySelector("[data-verify-text]");
    var file = box.querySelector("[data-verify-file]");
    var button = box.querySelector("[data-verify-button]");
    var result = box.querySelector("[data-verify-result]");
    var computed = box.querySelector("[data-verify-computed]");

    // The page gives the messages in the reader's language (data-say-*); English when it does not.
    function say(name, english) {
      return box.getAttribute("data-say-" + name) || english;
    }

    function show(ok, message, digest) {
      result.textContent = message;
      result.className = "verify-result " + (ok ? "status-ok" : "status-broken");
      computed.textContent = digest ? say("computed", "SHA-256 computed here:") + " " + digest : "";
    }

    if (!(window.crypto && window.crypto.subtle)) {
      show(false, say("no-crypto", "This browser cannot compute SHA-256 on this page (it needs HTTPS); use the command below."), "");
      button.disabled = true;
      return;
    }

    function checkText() {
      var value = text.value;
      var encoder = new TextEncoder();
      sha256(encoder.encode(value)).then(function (digest) {
        if (digest === expected) {
          show(true, say("text-ok", "The text matches: it is exactly the text that was signed."), digest);
          return;
        }
        var variants = [value + "\n", value.replace(/\n+$/, "")];
        return Promise.all(variants.map(function (v) { return sha256(encoder.encode(v)); })).then(function (others) {
          if (others.indexOf(expected) !== -1) {
            show(false, say("text-newline", "The text does not match exactly, but only the line break at its very end differs " +
                        "(copying often drops or adds it); the words are the same. Download the file to check it exactly."), digest);
          } else {
            show(false, say("text-bad", "The text does not match: it differs from the text that was signed."), digest);
          }
        });
      });
    }

    function checkFile() {
      var chosen = file.files[0];
      chosen.arrayBuffer().then(sha256).then(function (digest) {
        if (digest === expected) {
          show(true, say("file-ok", "The file matches: it is exactly the text that was signed."), digest);
        } else {
          show(false, say("file-bad", "The file does not match: it differs from the text that was signed."), digest);
        }
      });
    }

    button.addEventListener("click", function () {
      if (file && file.files.length) { checkFile(); } else { checkText(); }
    });
    if (file) {
      file.addEventListener("change", function () { if (file.files.length) { checkFile(); } });
    }
    text.addEventListener("input", function () {
      if (file) { file.value = ""; }
    });
  }

  function start() {
    document.querySelectorAll("[data-verify-sha256]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
