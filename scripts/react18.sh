#!/usr/bin/env bash
# The kit on React 18: a copy of this tree (no node_modules) gets `npm ci`, then React 18 and its types, then the
# Chromium component tests. Exit code = the tests'. Called by .ci/run; needs the npm registry.
#   bash scripts/react18.sh [vitest filters...]   (default: test/; KEEP=1 keeps the copy and prints where it is)
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
start=$SECONDS
work="$(mktemp -d "${TMPDIR:-/tmp}/rmb-react18.XXXXXX")"
cleanup() { if [ "${KEEP:-}" = 1 ]; then echo "react18: copy kept at $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

# The working tree as it is (CI: a fresh clone), without installed or built output.
tar -C "$src" \
  --exclude=./node_modules --exclude=./dist --exclude=./storybook-static --exclude=./coverage --exclude=./.git \
  --exclude=./.data --exclude=./demo/dist -cf - . | tar -C "$work" -xf -
cd "$work"

# No install scripts: the component tests need no native module (better-sqlite3 would compile for a minute).
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
npm install --no-audit --no-fund --ignore-scripts --loglevel=error --no-save \
  react@18 react-dom@18 @types/react@18 @types/react-dom@18

react="$(node -p "require('react/package.json').version")"
react_dom="$(node -p "require('react-dom/package.json').version")"
echo "react18: react $react, react-dom $react_dom ($((SECONDS - start)) s to install)"
case "$react.$react_dom" in 18.*.18.*) ;; *) echo "react18: expected React 18, got $react / $react_dom" >&2; exit 1 ;; esac

set +e
if [ "$#" -eq 0 ]; then set -- test/; fi
npx vitest run --project browser "$@"
code=$?
set -e
echo "react18: browser component tests on React $react exited $code after $((SECONDS - start)) s"
exit "$code"
