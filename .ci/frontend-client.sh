#!/usr/bin/env bash
# CI: the typed TypeScript client (frontend-contract/client) is generated from the committed
# schema and operations, and it type-checks. Pinned by frontend-contract/client/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../frontend-contract/client"

echo "== typed TypeScript client: npm ci, regenerate, in sync, tsc --noEmit"
npm ci --no-audit --no-fund
npm run generate
if ! git diff --exit-code --stat -- . || [ -n "$(git status --porcelain --untracked-files=all -- .)" ]; then
  echo "frontend-contract/client is out of sync: run 'npm run generate' in frontend-contract/client and commit the result"
  git status --porcelain -- .
  exit 1
fi
npm run typecheck
