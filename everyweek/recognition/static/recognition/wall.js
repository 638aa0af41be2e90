// The wall on an office screen: one slide at a time, advancing on its own. No dependencies.
(function () {
  "use strict";
  function start(wall) {
    var slides = wall.querySelectorAll(".wall-slide");
    if (slides.length < 2) { return; }
    var interval = parseInt(wall.getAttribute("data-interval"), 10) || 8000;
    var current = 0;
    wall.classList.add("wall-playing");
    slides[0].classList.add("is-current");
    window.setInterval(function () {
      slides[current].classList.remove("is-current");
      current = (current + 1) % slides.length;
      slides[current].classList.add("is-current");
    }, interval);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-wall]").forEach(start);
    document.querySelectorAll("[data-wall-fullscreen]").forEach(function (button) {
      button.addEventListener("click", function () {
        var wall = document.querySelector("[data-wall]");
        if (wall && wall.requestFullscreen) { wall.requestFullscreen(); }
      });
    });
  });
})();
