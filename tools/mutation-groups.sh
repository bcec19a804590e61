#!/usr/bin/env bash
# Runs `stryker run` once per group of src/core files (same config as npm run test:mutation), keeping
# each group's JSON report and incremental file, so a slow machine keeps every finished group's
# results. tools/mutation-summary.mjs adds the groups up. Usage: tools/mutation-groups.sh [group…]
set -u
cd "$(dirname "$0")/.."
declare -A GROUPS_=(
  [pure]='src/core/base64url.ts,src/core/lru.ts,src/core/ids.ts,src/core/tokens.ts,src/core/strict.ts,src/core/mounts.ts,src/core/dev-tools.ts,src/core/plain-json.ts,src/core/json.ts'
  [crypto]='src/core/cookies.ts,src/core/passwords.ts,src/core/keys.ts,src/core/seal.ts,src/core/crypto/*.ts'
  [options]='src/core/options.ts,src/core/mode.ts,src/core/identity.ts,src/core/messages.ts,src/core/dev.ts,src/core/index.ts'
  [session]='src/core/session.ts'
  [commit]='src/core/commit.ts'
  [revocations]='src/revocations/revocations.ts'
)
mkdir -p reports/mutation/groups
for g in "${@:-pure crypto options session commit revocations}"; do
  for name in $g; do
    start=$(date +%s)
    npx stryker run --mutate "${GROUPS_[$name]}" --incrementalFile "reports/mutation/groups/$name.incremental.json" \
      > "reports/mutation/groups/$name.log" 2>&1
    echo "$name: exit $? in $(( $(date +%s) - start )) s" | tee -a reports/mutation/groups/times.txt
    cp reports/mutation/mutation.json "reports/mutation/groups/$name.json"
  done
done
