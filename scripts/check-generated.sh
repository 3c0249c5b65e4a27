#!/usr/bin/env bash
# Regenerates gen/ from proto/ and fails when that changes anything: gen/ is committed and must
# always be exactly what `npm run generate` makes from the protos.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent generate
if ! git diff --quiet --exit-code -- gen || [ -n "$(git ls-files --others --exclude-standard -- gen)" ]; then
  echo "gen/ is out of date with proto/: run 'npm run generate' and commit the result." >&2
  git status --short -- gen >&2
  exit 1
fi
echo "gen/ is up to date."
