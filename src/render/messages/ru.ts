import type { Messages } from './types.js'

/** Russian interface text. Plurals: one (1, 21 статья), few (2–4, 22 статьи), many (5–20, 25 статей), other (1,5 статьи). */
export const ru: Messages = {
  skipToContent: 'Перейти к содержанию',
  'nav.label': 'Разделы сайта',
  'nav.latest': 'Свежее',
  'nav.archive': 'Архив',
  'nav.tags': 'Теги',
  'nav.feed': 'Лента',
  'languages.label': 'Язык',
  'search.field': 'Поиск статей',
  'search.button': 'Найти',

  'title.slides': 'Слайды: {month}',
  'title.archive': 'Архив',
  'title.archiveYear': 'Архив, {year}',
  'title.tags': 'Теги',
  'title.authors': 'Авторы',
  'title.search': 'Поиск',
  'title.notFound': 'Страница не найдена',
  'description.tag': {
    one: '{count} статья с тегом {tag}',
    few: '{count} статьи с тегом {tag}',
    many: '{count} статей с тегом {tag}',
    other: '{count} статьи с тегом {tag}'
  },
  'description.author': 'Статьи автора {name} на сайте {site}',

  'count.papers': { one: '{count} статья', few: '{count} статьи', many: '{count} статей', other: '{count} статьи' },
  'count.months': { one: '{count} месяц', few: '{count} месяца', many: '{count} месяцев', other: '{count} месяца' },
  'authors.etAl': 'и др.',

  'home.latest': 'Свежий выпуск',
  'home.allMonths': 'Все месяцы',
  'home.recentMonths': 'Последние месяцы',
  'home.moreMonths': 'Все {months} — в архиве',
  'home.empty': 'Выпусков пока нет.',

  'archive.heading': 'Архив',
  'archive.lead': '{papers} за {months}.',
  'archive.earlier': 'Прежние годы',

  'breadcrumbs.label': 'Навигационная цепочка',
  'authors.heading': 'Авторы',
  'author.lead': {
    one: '{count} статья в этом дайджесте.',
    few: '{count} статьи в этом дайджесте.',
    many: '{count} статей в этом дайджесте.',
    other: '{count} статьи в этом дайджесте.'
  },
  'tags.heading': 'Теги',
  'tags.empty': 'Тегов пока нет.',
  'tag.feed': 'Лента по этому тегу',

  'paper.details': 'Подробности',
  'paper.authors': 'Авторы',
  'paper.year': 'Год',
  'paper.venue': 'Место публикации',
  'paper.published': 'Карточка опубликована',
  'paper.readingTime': 'Время чтения',
  'paper.minutes': { other: '{count} мин' },
  'paper.permalink': 'Постоянная ссылка',
  'paper.cite': 'Как цитировать',
  'paper.copyBibtex': 'Скопировать BibTeX',
  'paper.copied': 'BibTeX скопирован.',
  'paper.copyFailed': 'Не удалось скопировать: выделите текст и скопируйте его вручную.',
  'paper.related': 'Похожие статьи',
  'paper.pager': 'Другие статьи',

  'card.week': 'Неделя {week}',
  'card.by': 'Авторы:',
  'card.takeaway': 'Почему это важно',
  'card.links': 'Ссылки',
  'card.paper': 'Статья',
  'card.code': 'Код',
  'card.discussion': 'Обсуждение',
  'card.tags': 'Теги',
  'card.keyEquation': 'Ключевая формула',
  'translation.missing': 'Этот текст ещё не переведён; показан оригинал.',

  'month.strip': 'Статьи выпуска: {month}',
  'month.pager': 'Другие месяцы',

  'search.heading': 'Поиск',
  'search.lead': 'Поиск по всем статьям и месяцам сайта {site}.',
  'search.noscriptBefore': 'Для поиска нужен JavaScript. Все статьи перечислены в ',
  'search.noscriptLink': 'архиве',
  'search.noscriptAfter': '.',
  'search.pageField': 'Поиск по статьям и месяцам',

  'notFound.heading': 'Страница не найдена',
  'notFound.text': 'По этому адресу ничего нет. Возможно, страница переехала, когда выпуски перестраивали.',
  'notFound.latest': 'Прочитайте свежий выпуск',
  'notFound.or': ' или ',
  'notFound.archive': 'загляните в архив',
  'notFound.end': '.',

  'slides.label': '{month}: слайды',
  'slides.slide': 'Слайд {n} из {total}',
  'slides.thanks': 'Спасибо за внимание',
  'slides.back': 'Вернуться к выпуску «{month}»',
  'slides.hint': '← → или пробел — листать · F — полный экран · Esc — выйти из полноэкранного режима',

  'feed.takeaway': 'Почему это важно:',
  'feed.digest': '{month}: дайджест',
  'feed.tag': 'Статьи с тегом {tag}'
}
