#!/usr/bin/env bash
# Proves the gateway template cannot rot: on a clean copy of the repository (the working tree's
# files, without node_modules or build output), type-checks the generators, runs `turbo gen
# gateway` non-interactively into a scratch name (checking that nothing of the template's names is
# left, and that a taken name or port writes nothing), installs from the pnpm store, then builds,
# lints, type-checks, format-checks and tests the generated package, runs its Dockerfile's prune
# and frozen install, and adds it to the sandbox with the documented one edit and runs the
# sandbox's test of it. Run by .ci/run after `pnpm test`; run it locally the same way:
#   tooling/scripts/check-generator.sh [name] [port]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
name="${1:-gen-check-chat}"
port="${2:-8199}"
package="@switchboard/${name}"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-generator.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
step() { printf "\n== check-generator (%s): %s\n" "$(date -u +%H:%M:%S)" "$*"; }
# Runs a command with its output kept aside, and shows that output only when it fails.
quiet() { "$@" >"$scratch/quiet.log" 2>&1 || { cat "$scratch/quiet.log" >&2; return 1; }; }

step "copying the repository to $scratch"
# Tracked and untracked files git does not ignore, as they are on disk (a deleted one is skipped).
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
  tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$scratch"
cd "$scratch"
# A repository of its own, so turbo hashes the files as it does in the original (git's file list
# and hashes) and finds the builds cached there.
git init -q && git add -A
# Packages the store has are linked, nothing is downloaded; metadata comes from pnpm's cache where it is there.
export npm_config_prefer_offline=true
# turbo would send usage telemetry to Vercel: nothing but the package registry is asked here.
export TURBO_TELEMETRY_DISABLED=1
# Builds of core, the hosts and the testkit already done in the repository are restored, not redone.
export TURBO_CACHE_DIR="$root/.turbo/cache"

step "pnpm install (the repository as it is)"
quiet pnpm install --frozen-lockfile --offline --reporter=append-only

step "type-check the generators (turbo/generators/tsconfig.check.json)"
pnpm exec tsc -p turbo/generators/tsconfig.check.json

step "turbo gen gateway --args $name $port"
pnpm turbo gen gateway --args "$name" "$port"
test -f "apps/$name/src/gateway.ts" || { echo "the generator wrote no apps/$name/src/gateway.ts" >&2; exit 1; }
# Nothing of the template's own names is left (the test cases' names, routes, headers, variables, files).
if [[ "$name" != *echo* ]] && grep -rIil 'echo' "apps/$name"; then
  echo "the files above in apps/$name still name the template (echo)" >&2
  exit 1
fi

# turbo gen exits 0 even when the generator refuses its arguments: what it refuses must write nothing.
step "turbo gen gateway refuses a gateway's name (echo: examples/echo) and a taken port (8089), writing nothing"
pnpm turbo gen gateway --args echo 8198 || true
pnpm turbo gen gateway --args "$name-two" 8089 || true
for refused in echo "$name-two"; do
  if [ -e "apps/$refused" ]; then
    echo "the generator wrote apps/$refused, which it should have refused" >&2
    exit 1
  fi
done

step "pnpm install (with $package)"
# Resolving the new package needs the registry's metadata of its dependencies, which a machine
# that only ever installed from the lockfile has not cached: asked for where missing.
quiet pnpm install --prefer-offline --frozen-lockfile=false --reporter=append-only
grep -q "apps/$name:" pnpm-lock.yaml || { echo "pnpm-lock.yaml has no apps/$name importer" >&2; exit 1; }

step "build $package and what it depends on"
pnpm turbo run build --filter="$package..." --output-logs=errors-only
step "lint, typecheck, format"
pnpm --filter "$package" lint
pnpm --filter "$package" typecheck
pnpm exec prettier --check "apps/$name"
step "its Dockerfile's first steps: turbo prune $package --docker, then the frozen install of out/json"
pnpm turbo prune "$package" --docker --out-dir "$scratch/pruned" >/dev/null
(cd "$scratch/pruned/json" && quiet pnpm install --frozen-lockfile --offline --reporter=append-only)
rm -rf "$scratch/pruned"
step "test $package"
pnpm --filter "$package" test
step "the generated gateway $package builds, lints, type-checks and passes its tests"

# The one edit docs/adding-a-gateway.md's "Show it in the sandbox" gives, then the sandbox's test of
# every gateway declared in its package (a customer's message reaches the inbox, the answer the fake).
declaration="$(grep -oE 'export const [A-Za-z0-9]+Sandbox' "apps/$name/src/sandbox.ts" | awk '{print $3}')"
step "show $package in the sandbox: the dependency and chatGateway($declaration) in apps/sandbox/src/gateways/list.ts"
quiet pnpm --filter @switchboard/sandbox add "$package@workspace:*" --prefer-offline --reporter=append-only
sed -i -e "1,/^import /s#^import #import { $declaration } from \"$package/sandbox\";\nimport #" \
  -e "s#^  chatGateway(echoSandbox),#&\n  chatGateway($declaration),#" apps/sandbox/src/gateways/list.ts
grep -q "chatGateway($declaration)" apps/sandbox/src/gateways/list.ts || { echo "list.ts has no chatGateway($declaration)" >&2; exit 1; }
pnpm turbo run build --filter=@switchboard/sandbox... --output-logs=errors-only
pnpm --filter @switchboard/sandbox typecheck
(cd apps/sandbox && pnpm exec vitest run src/web/chat-gateways.test.ts -t "$name")
step "$package runs in the sandbox after the one edit"
