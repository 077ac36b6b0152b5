/* Print every collapsed box open (docs/_ext/lesson.py): open each closed <details> of the
   sphinx-design dropdowns before printing, and close again those it opened after. lesson.css does
   the same under @media print for print paths that send no beforeprint event. */
(() => {
  const opened = [];
  const open = () => {
    document.querySelectorAll("details.sd-dropdown:not([open])").forEach((d) => {
      d.open = true;
      opened.push(d);
    });
  };
  const close = () => {
    while (opened.length) opened.pop().open = false;
  };
  window.addEventListener("beforeprint", open);
  window.addEventListener("afterprint", close);
  const media = window.matchMedia("print");
  media.addEventListener("change", (e) => (e.matches ? open() : close()));
})();

/* sphinx-togglebutton names every solution's button "Toggle hidden content" while it shows "Show
   the solution" (lesson.css): the name follows the words shown, as the hint changes. */
(() => {
  const name = (b) => b.setAttribute("aria-label", b.dataset.toggleHint || "Show the solution");
  const watch = () => {
    document.querySelectorAll(".admonition.solution button.toggle-button").forEach((b) => {
      name(b);
      new MutationObserver(() => name(b)).observe(b, {attributes: true, attributeFilter: ["data-toggle-hint"]});
    });
  };
  // Deferred, this script runs before togglebutton.js adds the buttons; DOMContentLoaded comes after.
  if (document.readyState === "complete") watch();
  else document.addEventListener("DOMContentLoaded", watch);
})();
