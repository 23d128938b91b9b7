#!/usr/bin/env bash
# The one test command (README "Tests"; CI runs it through .ci/run): installs what the suites need
# — Debian packages as root, then `npm ci` — and runs typecheck, lint, build and every test suite
# inside a D-Bus session with an unlocked gnome-keyring, so keychain tests use a real Secret
# Service. Ends with one line: "all: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

debian_packages=(dbus gnome-keyring libsecret-1-0 libsecret-1-dev procps openssl chromium testssl.sh)
passed=0
failed=0
skipped=0
failures=()

step() {
  local name=$1
  shift
  echo "::: ${name}"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("${name}")
  fi
}

install_debian_packages() {
  local missing=()
  for package in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "test-all: missing Debian packages: ${missing[*]} (install them, or run this as root)" >&2
    return 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_node_packages() {
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
}

run_test_suites() {
  local report keyring_home status tests_passed=0 tests_failed=0 tests_skipped=0
  report=$(mktemp -t limena-vitest-XXXXXX.json)
  # A keyring of the run's own, so an existing login keyring (other password, locked) cannot interfere.
  keyring_home=$(mktemp -d -t limena-keyring-XXXXXX)
  LIMENA_TEST_JSON="$report" LIMENA_REQUIRE_KEYCHAIN=1 LIMENA_REQUIRE_BROWSER=1 LIMENA_REQUIRE_TESTSSL=1 KEYRING_HOME="$keyring_home" dbus-run-session -- bash -c '
    echo -n limena-test | XDG_DATA_HOME="$KEYRING_HOME" gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
    npx vitest run
  ' 2> >(grep -v "Failed to set fd limit" >&2)
  status=$?
  rm -rf "$keyring_home"
  if [ -s "$report" ]; then
    read -r tests_passed tests_failed tests_skipped < <(node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      console.log(r.numPassedTests, r.numFailedTests + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0), r.numPendingTests + r.numTodoTests)
    ' "$report")
    passed=$((passed + tests_passed))
    failed=$((failed + tests_failed))
    skipped=$((skipped + tests_skipped))
    [ "$status" -ne 0 ] && [ "$tests_failed" -eq 0 ] && failed=$((failed + 1)) && failures+=("test runner")
  else
    failed=$((failed + 1))
    failures+=("test suites (no report)")
  fi
  rm -f "$report"
  [ "$tests_failed" = 0 ] && [ "$status" = 0 ]
}

step "debian packages" install_debian_packages
step "npm ci" install_node_packages
step "typecheck" npm run --silent typecheck
step "format" npx prettier --check --log-level warn .
step "lint" npm run --silent lint
step "import cycles" npx madge --circular --extensions ts,tsx --ts-config tsconfig.node.json src
step "build" npx electron-vite build --logLevel warn
step "electronegativity" node scripts/electronegativity.mjs
echo "::: test suites"
run_test_suites || failures+=("tests")

echo
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "all: ${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
