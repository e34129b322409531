// The page's only script (served by the package; the CSP allows no inline script).
"use strict";
(function () {
  const form = document.getElementById("form");
  const text = document.getElementById("text");
  const file = document.getElementById("file");
  const status = document.getElementById("status");
  const result = document.getElementById("result");
  const view = document.getElementById("view");
  const submit = document.getElementById("submit");
  let last = null; // the request body of the article shown

  function say(message, isError) {
    status.textContent = message;
    status.className = isError ? "error" : "";
  }

  async function post(body) {
    const response = await fetch("/v1/annotate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      let message = response.statusText;
      try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return response;
  }

  function download(content, type, name) {
    const url = URL.createObjectURL(new Blob([content], { type: type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  file.addEventListener("change", function () {
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    const reader = new FileReader();
    reader.onload = function () {
      text.value = String(reader.result);
      text.dataset.kind = /\.html?$/i.test(chosen.name) || chosen.type === "text/html" ? "html" : "text";
      say("Loaded " + chosen.name + ".", false);
    };
    reader.onerror = function () { say("Could not read " + chosen.name + ".", true); };
    reader.readAsText(chosen);
  });
  text.addEventListener("input", function () { delete text.dataset.kind; });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (!text.value.trim()) { say("Paste an article or open a file first.", true); text.focus(); return; }
    const body = {};
    body[text.dataset.kind === "html" ? "html" : "text"] = text.value;
    submit.disabled = true;
    say("Annotating…", false);
    try {
      const response = await post(Object.assign({ format: "html" }, body));
      view.srcdoc = await response.text();
      last = body;
      result.hidden = false;
      say("Done. Hover, focus or tap a sentence for its label, score and source.", false);
    } catch (error) {
      say(error.message, true);
    } finally {
      submit.disabled = false;
    }
  });

  document.getElementById("download-json").addEventListener("click", async function () {
    if (!last) return;
    try {
      const response = await post(Object.assign({ format: "json" }, last));
      download(JSON.stringify(await response.json(), null, 2), "application/json", "annotated.json");
    } catch (error) { say(error.message, true); }
  });
  document.getElementById("download-html").addEventListener("click", function () {
    if (last) download(view.srcdoc, "text/html", "annotated.html");
  });
})();
