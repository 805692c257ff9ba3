/** Media types of the files a site holds, by extension. */
const types: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json'
}

/**
 * The media type to serve a file of the site with; unknown kinds are plain bytes.
 *
 * @param file a path or URL path, such as `assets/collage.css`
 */
export function contentTypeOf(file: string): string {
  const dot = file.lastIndexOf('.')
  const slash = file.lastIndexOf('/')
  return (dot > slash ? types[file.slice(dot).toLowerCase()] : undefined) ?? 'application/octet-stream'
}
