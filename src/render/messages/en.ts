import type { Messages } from './types.js'

/** English interface text. */
export const en: Messages = {
  skipToContent: 'Skip to content',
  'nav.label': 'Site',
  'nav.latest': 'Latest',
  'nav.archive': 'Archive',
  'nav.tags': 'Tags',
  'nav.feed': 'Feed',
  'languages.label': 'Language',
  'search.field': 'Search papers',
  'search.button': 'Search',

  'title.slides': 'Slides: {month}',
  'title.archive': 'Archive',
  'title.tags': 'Tags',
  'title.authors': 'Authors',
  'title.search': 'Search',
  'title.notFound': 'Page not found',
  'description.tag': { one: '{count} paper tagged {tag}', other: '{count} papers tagged {tag}' },
  'description.author': 'Papers by {name} in {site}',

  'count.papers': { one: '{count} paper', other: '{count} papers' },
  'count.months': { one: '{count} month', other: '{count} months' },
  'authors.etAl': 'et al.',

  'home.latest': 'Latest digest',
  'home.allMonths': 'All months',
  'home.empty': 'No digests yet.',

  'archive.heading': 'Archive',
  'archive.lead': '{papers} in {months}.',

  'breadcrumbs.label': 'Breadcrumbs',
  'authors.heading': 'Authors',
  'author.lead': { one: '{count} paper in this digest.', other: '{count} papers in this digest.' },
  'tags.heading': 'Tags',
  'tags.empty': 'No tags yet.',
  'tag.feed': 'Feed for this tag',

  'paper.details': 'Details',
  'paper.authors': 'Authors',
  'paper.year': 'Year',
  'paper.venue': 'Venue',
  'paper.published': 'Card published',
  'paper.readingTime': 'Reading time',
  'paper.minutes': { other: '{count} min' },
  'paper.permalink': 'Permanent link',
  'paper.cite': 'Cite',
  'paper.copyBibtex': 'Copy BibTeX',
  'paper.copied': 'BibTeX copied.',
  'paper.copyFailed': 'Could not copy: select the text and copy it.',
  'paper.related': 'Related papers',
  'paper.pager': 'Other papers',

  'card.week': 'Week {week}',
  'card.by': 'By',
  'card.takeaway': 'Why it matters',
  'card.links': 'Links',
  'card.paper': 'Paper',
  'card.code': 'Code',
  'card.discussion': 'Discussion',
  'card.tags': 'Tags',
  'card.keyEquation': 'Key equation',
  'translation.missing': 'This text is not translated yet; the original is shown.',

  'month.strip': 'Papers of {month}',
  'month.pager': 'Other months',

  'search.heading': 'Search',
  'search.lead': 'Search every paper and month of {site}.',
  'search.noscriptBefore': 'Search needs JavaScript. The ',
  'search.noscriptLink': 'archive',
  'search.noscriptAfter': ' lists every paper.',
  'search.pageField': 'Search papers and months',

  'notFound.heading': 'Page not found',
  'notFound.text': 'There is no page at this address. It may have moved when a digest was reorganised.',
  'notFound.latest': 'Read the latest digest',
  'notFound.or': ' or ',
  'notFound.archive': 'browse the archive',
  'notFound.end': '.',

  'slides.label': '{month}: slides',
  'slides.slide': 'Slide {n} of {total}',
  'slides.thanks': 'Thanks for reading',
  'slides.back': 'Back to the {month} digest',
  'slides.hint': '← → or Space to move · F for full screen · Esc to leave full screen',

  'feed.takeaway': 'Why it matters:',
  'feed.digest': '{month}: the digest',
  'feed.tag': 'Papers tagged {tag}'
}
