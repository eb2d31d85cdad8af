import { build } from 'vite'
import { minifySync } from 'rolldown/experimental'
import { gzipSync } from 'node:zlib'
const root = '/work/main'
const peers = [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\//, /^@react-oauth\//, /^axios($|\/)/]
const out = await build({ configFile: false, logLevel: 'silent', root, build: { write: false, minify: true, target: 'es2022',
  lib: { entry: root + '/src/index.ts', formats: ['es'], fileName: 'out' },
  rolldownOptions: { external: peers, output: { preserveModules: true, entryFileNames: '[name].js' } } } })
const outs = (Array.isArray(out)?out:[out]).flatMap(o=>o.output).filter(c=>c.type==='chunk')
let tot=0
for (const c of outs) { c.min = minifySync('a.js', c.code, { module: true, compress: true, mangle: { toplevel: true } }).code; c.gz = gzipSync(c.min,{level:9}).length }
for (const c of outs.sort((a,b)=>a.gz-b.gz)) { tot+=c.gz; console.log(String(c.min.length).padStart(6), String(c.gz).padStart(6), c.fileName) }
console.log('sum gz', tot)
