// Cycle through the thank-you messages on a screen: 8 seconds a slide, videos play to the end.
(function () {
  var slides = document.querySelectorAll("[data-slide]");
  if (slides.length < 2) return;
  var i = 0;
  function show(next) {
    slides[i].classList.remove("current");
    i = (next + slides.length) % slides.length;
    slides[i].classList.add("current");
    var video = slides[i].querySelector("video");
    if (video) { video.currentTime = 0; video.play(); video.onended = function () { show(i + 1); }; }
    else { setTimeout(function () { show(i + 1); }, 8000); }
  }
  setTimeout(function () { show(1); }, 8000);
})();
