// Deck mode. Without this script the slides are a vertical sequence; with it, one slide fills the
// viewport, keys and swipes move between slides, and the URL hash (#3) follows the current slide.
;(function () {
  var deck = document.getElementById('deck')
  if (!deck) return
  var slides = Array.prototype.slice.call(deck.querySelectorAll('.deck-slide'))
  var total = slides.length
  var bar = document.querySelector('.deck-progress-bar')
  var hint = document.getElementById('deck-hint')
  var current = 0
  document.documentElement.classList.add('deck-active')

  function fromHash() {
    var n = parseInt(location.hash.slice(1), 10)
    return n >= 1 && n <= total ? n - 1 : 0
  }

  function show(index, updateHash) {
    current = Math.max(0, Math.min(total - 1, index))
    for (var i = 0; i < total; i++) {
      var on = i === current
      slides[i].classList.toggle('is-current', on)
      slides[i].setAttribute('aria-hidden', on ? 'false' : 'true')
      if (on) slides[i].removeAttribute('inert')
      else slides[i].setAttribute('inert', '')
    }
    if (bar) bar.style.width = ((current + 1) / total) * 100 + '%'
    if (updateHash && location.hash !== '#' + (current + 1)) history.replaceState(null, '', '#' + (current + 1))
    document.title = document.title.replace(/ \(\d+\/\d+\)$/, '') + ' (' + (current + 1) + '/' + total + ')'
  }

  function toggleFullscreen() {
    if (!document.fullscreenElement) {
      if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(function () {})
    } else if (document.exitFullscreen) {
      document.exitFullscreen()
    }
  }

  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return
    var key = event.key
    if (key === 'ArrowRight' || key === 'ArrowDown' || key === 'PageDown' || (key === ' ' && !event.shiftKey)) show(current + 1, true)
    else if (key === 'ArrowLeft' || key === 'ArrowUp' || key === 'PageUp' || (key === ' ' && event.shiftKey)) show(current - 1, true)
    else if (key === 'Home') show(0, true)
    else if (key === 'End') show(total - 1, true)
    else if (key === 'f' || key === 'F') toggleFullscreen()
    else return
    event.preventDefault()
  })

  var startX = null
  var startY = null
  deck.addEventListener('touchstart', function (event) {
    startX = event.touches[0].clientX
    startY = event.touches[0].clientY
  }, { passive: true })
  deck.addEventListener('touchend', function (event) {
    if (startX === null) return
    var dx = event.changedTouches[0].clientX - startX
    var dy = event.changedTouches[0].clientY - startY
    if (Math.abs(dx) > 40 && Math.abs(dx) > Math.abs(dy)) show(current + (dx < 0 ? 1 : -1), true)
    startX = null
  }, { passive: true })

  window.addEventListener('hashchange', function () { show(fromHash(), false) })
  show(fromHash(), false)

  // Keyboard hints on the first visit only.
  try {
    if (hint && !localStorage.getItem('collage-deck-hint')) {
      hint.hidden = false
      localStorage.setItem('collage-deck-hint', '1')
      setTimeout(function () { hint.hidden = true }, 6000)
    }
  } catch (error) {
    if (hint) hint.hidden = false
  }
})()
