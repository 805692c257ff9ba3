/** Result of turning a file's bytes into text. */
export type Decoded = { ok: true; text: string } | { ok: false; message: string; ruleId: string; line: number; column: number }

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/**
 * Decode a content file: UTF-8 only (a BOM is dropped), no NUL bytes, line endings made `\n`.
 *
 * @param bytes the file as read
 */
export function decodeText(bytes: Uint8Array): Decoded {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, message: 'File is UTF-16; save it as UTF-8', ruleId: 'not-utf8', line: 1, column: 1 }
  }
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    const at = firstInvalidByte(bytes)
    return { ok: false, message: 'File is not valid UTF-8; save it as UTF-8', ruleId: 'not-utf8', ...at }
  }
  const nul = text.indexOf('\u0000')
  if (nul !== -1) {
    return { ok: false, message: 'File contains a NUL byte', ruleId: 'nul-byte', ...placeOfIndex(text, nul) }
  }
  return { ok: true, text: text.replace(/\r\n?/g, '\n') }
}

/** 1-based line and column of a string index. */
export function placeOfIndex(text: string, index: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: index - lineStart + 1 }
}

function firstInvalidByte(bytes: Uint8Array): { line: number; column: number } {
  // Decode leniently and find the first replacement character: good enough to point at the place.
  const text = new TextDecoder('utf-8').decode(bytes)
  const index = text.indexOf('\uFFFD')
  return placeOfIndex(text.replace(/\r\n?/g, '\n'), Math.max(0, index))
}
