import type { Config } from '../../config.js'
import type { Problem } from '../../types.js'
import { en } from './en.js'
import { ru } from './ru.js'
import type { Messages, Plural } from './types.js'

export type { Messages, Plural } from './types.js'

/** A message's name. */
export type MessageKey = keyof Messages

/** Values put into a message's `{name}` parameters; `count` also picks a plural form. */
export type MessageParams = Record<string, string | number>

/** Interface text in one language: `t('card.week', { week: 3 })`. */
export interface Translator {
  (key: MessageKey, params?: MessageParams): string
  /** The page language the translator was made for. */
  readonly language: string
  /** Language of the catalogue used: the page language's, or English when there is none. */
  readonly catalogue: string
}

/** The catalogues that ship with collage, by language. */
export const catalogues: Readonly<Record<string, Messages>> = Object.freeze({ en, ru })

/**
 * The catalogue for a language tag: the tag's own, else its primary language's (`en-GB` → `en`).
 *
 * @param language a BCP 47 tag
 */
export function catalogueFor(language: string): { language: string; messages: Messages } | undefined {
  const tag = language.toLowerCase()
  const primary = tag.split('-')[0]!
  for (const candidate of [tag, primary]) {
    const messages = catalogues[candidate]
    if (messages) return { language: candidate, messages }
  }
  return undefined
}

/**
 * A translator for a page language. A language without a catalogue gets the English text.
 *
 * @param language the page's language
 */
export function createTranslator(language: string): Translator {
  const found = catalogueFor(language) ?? { language: 'en', messages: en }
  const plural = new Intl.PluralRules(language)
  const number = new Intl.NumberFormat(language)
  const t = (key: MessageKey, params: MessageParams = {}): string => {
    const message: string | Plural | undefined = found.messages[key]
    if (message === undefined) throw new Error(`No interface text \`${String(key)}\``)
    let text: string
    if (typeof message === 'string') {
      text = message
    } else {
      const count = params.count
      if (typeof count !== 'number') throw new Error(`Interface text \`${key}\` needs a number \`count\``)
      text = message[plural.select(count)] ?? message.other
    }
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name]
      if (value === undefined) return whole
      return typeof value === 'number' ? number.format(value) : value
    })
  }
  return Object.assign(t, { language, catalogue: found.language })
}

/**
 * A language's name in that language, capitalised, for a language switch: `English`, `Русский`.
 *
 * @param language a BCP 47 tag
 */
export function languageName(language: string): string {
  let name: string | undefined
  try {
    name = new Intl.DisplayNames([language], { type: 'language' }).of(language)
  } catch {
    name = undefined
  }
  const text = name ?? language
  return text.charAt(0).toLocaleUpperCase(language) + text.slice(1)
}

/**
 * A warning for each language of a multilingual site that has no catalogue: its pages get the
 * English interface text. A single-language site is not warned, as before languages existed.
 *
 * @param config resolved settings
 * @param file how to name `site.yaml` in messages
 */
export function missingCatalogues(config: Pick<Config, 'languages'>, file: string): Problem[] {
  if (config.languages.length < 2) return []
  return config.languages
    .filter((l) => catalogueFor(l) === undefined)
    .map((l) => ({
      file,
      line: 1,
      column: 1,
      message: `Collage has no interface text in \`${l}\` (it has ${Object.keys(catalogues).join(', ')}): its pages use the English text`,
      ruleId: 'missing-messages',
      severity: 'warning' as const
    }))
}
