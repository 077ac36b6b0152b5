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
