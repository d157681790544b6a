// The API's documentation page: docs/openapi.yaml rendered by Redoc, bundled from npm (no
// CDN), written to dist/docs/ beside the console. The local gateway serves it at /docs, and
// a deployment uploads it with the console (DEPLOY.md).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const out = new URL('../dist/docs/', import.meta.url).pathname
mkdirSync(out, { recursive: true })
const redoc = join(dirname(require.resolve('redoc/package.json')), 'bundles/redoc.standalone.js')
// The bundle shows Redocly's logo from their CDN; nothing may load from outside (an intranet,
// the China regions), so the logo's address becomes an empty image, which Redoc then hides.
const CDN_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg'
const bundle = readFileSync(redoc, 'utf8')
if (!bundle.includes(CDN_LOGO)) throw new Error('the Redoc bundle changed: check what it loads from outside')
writeFileSync(join(out, 'redoc.standalone.js'), bundle.replaceAll(CDN_LOGO, 'data:,'))
copyFileSync(new URL('../../docs/openapi.yaml', import.meta.url).pathname, join(out, 'openapi.yaml'))
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>指尖办 API 文档</title>
    <link rel="icon" href="../console/favicon.svg" />
    <style>body { margin: 0; }</style>
  </head>
  <body>
    <div id="redoc"></div>
    <script src="redoc.standalone.js"></script>
    <script>
      Redoc.init('openapi.yaml', { hideDownloadButton: false, expandResponses: '200,201', jsonSampleExpandLevel: 3 }, document.getElementById('redoc'))
    </script>
  </body>
</html>
`,
)
console.log(`docs written to ${out}`)
