// "Copy" buttons next to read-only fields: <button data-copy="field-id">. Without a clipboard
// (an old browser, a page not served over HTTPS) the field's text is selected instead.
(function () {
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) return;
      field.select();
      if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = button.getAttribute("data-done") || button.textContent;
        });
      }
    });
  });
})();
