// "Copy BibTeX": the button is hidden until this script runs, so readers without JavaScript
// never see a control that does nothing; they can select the text of the block instead.
;(function () {
  var buttons = document.querySelectorAll('[data-copy]')
  for (var i = 0; i < buttons.length; i++) {
    var button = buttons[i]
    if (!navigator.clipboard) continue
    button.hidden = false
    button.addEventListener('click', function (event) {
      var target = document.getElementById(event.currentTarget.getAttribute('data-copy'))
      var status = document.querySelector('.copy-status')
      // The messages come from the page, in its language.
      var copied = event.currentTarget.getAttribute('data-copied') || 'BibTeX copied.'
      var failed = event.currentTarget.getAttribute('data-failed') || 'Could not copy: select the text and copy it.'
      navigator.clipboard.writeText(target.textContent).then(
        function () { if (status) status.textContent = copied },
        function () { if (status) status.textContent = failed }
      )
    })
  }
})()
