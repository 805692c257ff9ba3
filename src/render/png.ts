import zlib from 'node:zlib'

const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** The rows of the last image this thread encoded; reused, so that its memory stays mapped. */
let rowBuffer = Buffer.alloc(0)

/**
 * Encode 8-bit RGBA pixels, row by row, as a PNG.
 *
 * resvg's own encoder spends more time than the drawing (adaptive row filters and its strongest
 * compression). The share images are large flat areas with anti-aliased text, which compress well
 * without row filters: unfiltered rows and a fast deflate level give a file of about the same size
 * in a third of the time.
 *
 * The rows are laid out in one buffer per thread, kept from image to image, and compressed in one
 * synchronous call. A new 3 MB buffer for every image, and zlib's asynchronous chunked output,
 * cost more than the compression itself: the kernel hands out fresh memory a page at a time
 * (about 3 ms of compression, against 12 ms with a new buffer and the asynchronous call).
 *
 * @param pixels `width × height × 4` bytes, RGBA, top row first
 * @param width pixels per row
 * @param height rows
 */
export async function encodePng(pixels: Uint8Array, width: number, height: number): Promise<Buffer> {
  const stride = width * 4
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || pixels.length !== stride * height) {
    throw new RangeError(`encodePng: ${pixels.length} bytes are not ${width} × ${height} RGBA pixels`)
  }
  const size = (stride + 1) * height
  if (rowBuffer.length < size) rowBuffer = Buffer.allocUnsafeSlow(size)
  const rows = rowBuffer.subarray(0, size)
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1)
    rows[start] = 0 // the row's filter type: none
    rows.set(pixels.subarray(y * stride, (y + 1) * stride), start + 1)
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bits per channel
  header[9] = 6 // colour type: RGBA
  // Compression, filter method and interlace stay 0.
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows, { level: 3 })), chunk('IEND', Buffer.alloc(0))])
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  data.copy(out, 8)
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}
