// The workbench's own script: sortable tables and confirmation prompts. No inline script anywhere
// (the Content-Security-Policy forbids it), so behaviour hangs off data- attributes.
"use strict";

function cellValue(row, index) {
  const cell = row.cells[index];
  if (!cell) return "";
  const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
  const number = Number(raw.replace(/[$,%\s]/g, "").replace("\u2212", "-"));
  return raw !== "" && !Number.isNaN(number) ? number : raw.toLowerCase();
}

function sortTable(table, index, header) {
  const body = table.tBodies[0];
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = cellValue(a, index);
    const y = cellValue(b, index);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return ascending ? order : -order;
  });
  rows.forEach((row) => body.appendChild(row));
  table.querySelectorAll("th[aria-sort]").forEach((th) => th.removeAttribute("aria-sort"));
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
}

function makeSortable(root) {
  root.querySelectorAll("table.sortable thead th").forEach((header, index) => {
    if (header.dataset.sortable === "no" || header.querySelector("button")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = header.textContent.trim();
    button.addEventListener("click", () => sortTable(header.closest("table"), index, header));
    header.textContent = "";
    header.appendChild(button);
  });
}

document.addEventListener("DOMContentLoaded", () => makeSortable(document));
document.addEventListener("htmx:afterSwap", (event) => makeSortable(event.target));
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message = button && button.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// The scenario page's live recalculation swaps in the help beside each input; mark the input
// invalid (or unusual) as its help now says, so screen readers and the borders agree with it.
function markScenarioInputs(root) {
  root.querySelectorAll("small.field-help").forEach((help) => {
    const input = document.getElementById(help.id.replace(/-help$/, ""));
    if (!input) return;
    if (help.classList.contains("error")) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    input.classList.toggle("has-warning", help.classList.contains("warning"));
  });
}

document.addEventListener("DOMContentLoaded", () => markScenarioInputs(document));
document.addEventListener("htmx:afterSettle", () => markScenarioInputs(document));

// A form answered 422 (bad input) or 409 (someone saved first) carries the person's input and the
// messages: swap it in like a success, instead of htmx's default of dropping error answers.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 422 || event.detail.xhr.status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The scenario page shows an input's error only once the person has changed it (or saved):
// the names of the inputs changed so far travel with every recalculation in a hidden field.
document.addEventListener("input", (event) => {
  const form = event.target.form;
  const touched = form && form.querySelector("input[data-touched]");
  if (!touched || !event.target.name) return;
  const names = new Set(touched.value.split(" ").filter(Boolean));
  names.add(event.target.name);
  touched.value = Array.from(names).join(" ");
});

// An input that fills other inputs when changed (data-fills) posts on its own; keep its typing
// from also starting a recalculation of the form around it, which would race the fill.
document.addEventListener("htmx:load", (event) => {
  event.detail.elt.querySelectorAll("[data-fills]").forEach((input) => {
    input.addEventListener("input", (inner) => inner.stopPropagation());
  });
});

// The coverage matrix saves with one button: mark each row changed since the page loaded as not
// saved yet, so nobody leaves the page believing an edited row was kept.
document.addEventListener("input", (event) => markUnsavedRow(event.target));
document.addEventListener("change", (event) => markUnsavedRow(event.target));

function markUnsavedRow(input) {
  const row = input.closest && input.closest("tr[data-coverage-row]");
  if (!row) return;
  row.classList.add("row-unsaved");
  const note = row.querySelector("[data-unsaved]");
  if (note) note.hidden = false;
}

// The organization form: choosing a payer type picks its stakeholder profile while none is chosen.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (!select.dataset || !select.dataset.suggestsProfile) return;
  const profile = document.getElementById(select.dataset.profileSelect);
  const suggested = JSON.parse(select.dataset.suggestsProfile)[select.value];
  if (profile && !profile.value && suggested) profile.value = String(suggested);
});

// After an htmx swap, focus must not be lost with the element that held it: when the focused
// element was inside the swapped region, move focus to the first error in the new content, else
// to its heading (made focusable for the purpose). Other swaps (the live figures beside the
// input being typed in, a job's progress) leave focus where it is.
let focusWasInSwap = false;
document.addEventListener("htmx:beforeSwap", (event) => {
  const active = document.activeElement;
  focusWasInSwap = Boolean(active && active !== document.body && event.detail.target.contains(active));
});
document.addEventListener("htmx:afterSettle", (event) => {
  const active = document.activeElement;
  const lost = !active || active === document.body || !active.isConnected;
  if (!focusWasInSwap || !lost) return;
  focusWasInSwap = false;
  const region = event.detail.target.isConnected ? event.detail.target : event.target;
  const target =
    region.querySelector('[aria-invalid="true"], [role="alert"]') ||
    region.querySelector("h1, h2, h3, legend") ||
    region;
  if (!target.matches("a, button, input, select, textarea, [tabindex]")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus();
});
