/**
 * The interface text of the site, one catalogue per language (`en.ts`, `ru.ts`). A catalogue is a
 * {@link Messages}: a key missing from one is a type error. `{name}` in a message is a parameter.
 */

/**
 * A message that depends on a number, by CLDR plural category (`Intl.PluralRules`): English needs
 * `one` and `other`; Russian `one` (1 статья), `few` (2 статьи), `many` (5 статей) and `other`
 * (1,5 статьи). `{count}` is the number, formatted for the language.
 */
export type Plural = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>

/** Every interface text of the site. */
export interface Messages {
  /** Skip link at the top of every page. */
  skipToContent: string
  /** Accessible name of the header's navigation. */
  'nav.label': string
  'nav.latest': string
  'nav.archive': string
  'nav.tags': string
  'nav.feed': string
  /** Accessible name of the header's language switch. */
  'languages.label': string
  /** Label and placeholder of the header's search field. */
  'search.field': string
  /** The header's search button. */
  'search.button': string

  /** `<title>` parts; the site's title follows. `{month}` is the month's title. */
  'title.slides': string
  'title.archive': string
  /** Title of a year's archive page: `{year}` is the year. */
  'title.archiveYear': string
  'title.tags': string
  'title.authors': string
  'title.search': string
  'title.notFound': string
  /** Description of a tag page: `{count}`, `{tag}`. */
  'description.tag': Plural
  /** Description of an author page: `{name}`, `{site}`. */
  'description.author': string

  /** `{count} papers`, anywhere a number of papers is shown. */
  'count.papers': Plural
  /** `{count} months`. */
  'count.months': Plural
  /** Authors past the fifth, on a card. */
  'authors.etAl': string

  'home.latest': string
  /** Heading of the home page's grid when it shows only the latest months. */
  'home.recentMonths': string
  /** Link from the home page's grid to the archive: `{months}` is a `count.months`. */
  'home.moreMonths': string
  'home.allMonths': string
  'home.empty': string

  'archive.heading': string
  /** `{papers}` and `{months}` are `count.papers` and `count.months`. */
  'archive.lead': string
  /** Heading of the archive page's list of earlier years, month by month. */
  'archive.earlier': string

  'breadcrumbs.label': string
  'authors.heading': string
  /** Lead of an author page: `{count}`. */
  'author.lead': Plural
  'tags.heading': string
  'tags.empty': string
  'tag.feed': string

  'paper.details': string
  'paper.authors': string
  'paper.year': string
  'paper.venue': string
  'paper.published': string
  'paper.readingTime': string
  /** Reading time: `{count}` minutes. */
  'paper.minutes': Plural
  'paper.permalink': string
  'paper.cite': string
  'paper.copyBibtex': string
  'paper.copied': string
  'paper.copyFailed': string
  'paper.related': string
  'paper.pager': string

  /** `{week}`: week of the month the card was published in. */
  'card.week': string
  /** Read before the authors of a card by screen readers. */
  'card.by': string
  'card.takeaway': string
  'card.links': string
  'card.paper': string
  'card.code': string
  'card.discussion': string
  'card.tags': string
  'card.keyEquation': string
  /** Shown on a card or month that has no translation into the page's language. */
  'translation.missing': string

  /** Accessible name of a month's list of cards: `{month}`. */
  'month.strip': string
  'month.pager': string

  'search.heading': string
  /** `{site}`: the site's title. */
  'search.lead': string
  /** Without JavaScript: the text before, in and after the link to the archive. */
  'search.noscriptBefore': string
  'search.noscriptLink': string
  'search.noscriptAfter': string
  /** Accessible name of the search page's field. */
  'search.pageField': string

  'notFound.heading': string
  'notFound.text': string
  /** The closing sentence: `latest` link, `or`, `archive` link, `end`. */
  'notFound.latest': string
  'notFound.or': string
  'notFound.archive': string
  'notFound.end': string

  /** `{month}`. */
  'slides.label': string
  /** `{n}` of `{total}`. */
  'slides.slide': string
  'slides.thanks': string
  /** `{month}`. */
  'slides.back': string
  'slides.hint': string

  /** In feeds, before the takeaway. */
  'feed.takeaway': string
  /** Title of a month's entry in a feed: `{month}`. */
  'feed.digest': string
  /** Description of a tag's feed: `{tag}`. */
  'feed.tag': string
}
