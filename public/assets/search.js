// Search page: mount Pagefind's interface and run the query from ?q= (the header's search form).
;(function () {
  var box = document.getElementById('search')
  if (!box || typeof PagefindUI === 'undefined') return
  // A large site's index comes in parts: the first is loaded, the others merged into it.
  var merge = (box.getAttribute('data-merge') || '').split(' ').filter(Boolean).map(function (path) {
    return { bundlePath: path }
  })
  var ui = new PagefindUI({ element: '#search', bundlePath: box.getAttribute('data-bundle'), mergeIndex: merge, showImages: false, resetStyles: false, autofocus: true })
  // Pagefind's input carries only a title; give it a real accessible name.
  var input = box.querySelector('input')
  if (input) input.setAttribute('aria-label', box.getAttribute('data-label') || 'Search papers and months')
  var query = new URLSearchParams(location.search).get('q')
  if (query) ui.triggerSearch(query)
})()
