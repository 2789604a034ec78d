// Loaded in <head>, before any form exists: a form without a method attribute is sent only by its
// page script (fetch, JSON), never natively. Clicked before that script has run (a slow phone), or
// when it failed to load, it does nothing instead of reloading the page with every field (ID
// numbers, phones) in the address and the server's access log. Forms meant to be sent natively
// say method="get" or method="post".
document.addEventListener("submit", (e) => {
  if (!e.target.hasAttribute("method")) e.preventDefault();
}, true);
