#!/usr/bin/env bash
# The Next.js 16 (Turbopack) probe of issue #26: builds and packs this repository's kit, installs it beside Next.js
# in a temp folder (never in the repository), runs `next build` and `next start`, then a backup POST and GET with curl.
# Env: PROBE_DIR (default a new /tmp/rmb-probe-nextjs-*), PROBE_PORT (default 3107). Needs the npm registry.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${PROBE_DIR:-$(mktemp -d /tmp/rmb-probe-nextjs-XXXXXX)}
port=${PROBE_PORT:-3107}
echo "probe: $work"

(cd "$root" && npm run build >"$work/kit-build.log" 2>&1 && npm pack --loglevel=warn --pack-destination "$work" >/dev/null) ||
  { cat "$work/kit-build.log"; exit 1; }
cp -r "$here/app" "$here/next.config.ts" "$here/tsconfig.json" "$here/package.json" "$work/"
cd "$work"
export NEXT_TELEMETRY_DISABLED=1
SECONDS=0
npm install --no-audit --no-fund --loglevel=error ./react-mpc-backup-*.tgz >/dev/null
echo "probe: npm install took ${SECONDS}s"
SECONDS=0
node node_modules/next/dist/bin/next build
echo "probe: next build took ${SECONDS}s"

node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$port" >next-start.log 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$port/api/backup/ping"; do
  kill -0 "$pid" 2>/dev/null || { cat next-start.log; exit 1; }
  sleep 0.2
done
post=$(curl -s -w ' %{http_code}' -X POST -H 'content-type: application/json' -d '{"cipherText":"probe-ct"}' \
  "http://127.0.0.1:$port/api/backup/probe-client")
get=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$port/api/backup/probe-client")
echo "probe: POST -> $post"
echo "probe: GET  -> $get"
cat next-start.log
[[ "$post" == *' 200' && "$get" == *'"cipherText":"probe-ct"'*' 200' ]] || { echo 'probe: FAILED'; exit 1; }
echo 'probe: OK'
