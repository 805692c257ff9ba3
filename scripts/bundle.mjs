#!/usr/bin/env node
// Bundle the command line: `lib/cli.bundle.js` (what `bin/collage.js` runs) and
// `lib/up-to-date.bundle.js` (what the benchmark runs), with the code they share in
// `lib/bundle-*.js`. One file instead of hundreds of small modules halves the time Node.js takes
// to load Collage, which every command pays.
//
//   node scripts/bundle.mjs        (after `tsc -p tsconfig.build.json`; `npm run compile` runs both)
//
// The bundles sit in `lib/` next to the modules they are made of, so that a path a module works
// out from its own URL (`../package.json`, the modules' folder of src/modules.ts) is right in
// either. Worker threads still start from their own modules in `lib/`. Packages that find files
// of their own from their URL (Pagefind's binary) or that load only when images are drawn
// (satori, resvg) stay outside.
import { readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const lib = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'lib')
for (const name of await readdir(lib)) if (/^(bundle-.*|.*\.bundle)\.js$/.test(name)) await rm(path.join(lib, name))
await build({
  entryPoints: { 'cli.bundle': path.join(lib, 'cli.js'), 'up-to-date.bundle': path.join(lib, 'up-to-date.js') },
  outdir: lib,
  chunkNames: 'bundle-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['pagefind', 'satori', '@resvg/resvg-wasm'],
  // Packages written as CommonJS call `require`, which an ES module does not have.
  banner: { js: "import { createRequire as __collageRequire } from 'node:module'; const require = __collageRequire(import.meta.url);" },
  logLevel: 'warning'
})
