/**
 * A string with the same characters that keeps no other string alive.
 *
 * In V8, a string cut from a longer one (by a parser, by `slice`) may point into it rather than
 * copy its characters, and then keeps the whole longer string alive: a record that holds a
 * file's title would hold the file's whole text. Texts of thousands of files, kept that way,
 * are a large part of a build's memory.
 *
 * V8 copies short strings when it cuts them, and makes a string joined from two flat before it
 * cuts it: cutting the first character off a string joined to this one gives a copy.
 */
export function ownString(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1)
}

/** Parsed data (objects, arrays, scalars) with every string its own (see {@link ownString}); objects and arrays are changed in place. */
export function ownStrings<T>(value: T): T {
  if (typeof value === 'string') return ownString(value) as T
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = ownStrings(value[i])
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>
    for (const key of Object.keys(record)) record[key] = ownStrings(record[key])
  }
  return value
}
