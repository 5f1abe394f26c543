// The page works without this: each citation is shown as text to select and copy.
// With JavaScript, a "Copy" button beside each one puts it on the clipboard.
"use strict";
document.querySelectorAll(".cite").forEach((cite) => {
  const code = cite.querySelector(".cite-code");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "cite-button";
  button.textContent = "Copy";
  button.setAttribute("aria-label", "Copy the citation " + code.textContent);
  button.addEventListener("click", () => {
    const done = (said) => {
      button.textContent = said;
    };
    const select = () => {
      window.getSelection().selectAllChildren(code);
      done("Selected: copy it");
    };
    if (!navigator.clipboard) {
      select();
      return;
    }
    navigator.clipboard.writeText(code.textContent).then(() => done("Copied"), select);
  });
  cite.append(" ", button);
});
