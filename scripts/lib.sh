# Shared helpers for scripts/start and scripts/test. Each installs what it
# needs, or says exactly what is missing.

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mtillit: %s\033[0m\n' "$*" >&2; exit 1; }

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tillit-target}"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

# Another install holding the package manager's lock makes us wait (up to
# ten minutes), not fail.
APT_WAIT=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
# `apt-get update` takes the lists lock, which DPkg::Lock::Timeout does not
# cover: retry while someone else holds it.
apt_update() {
  local out
  for _ in $(seq 1 120); do
    if out=$(as_root apt-get "${APT_WAIT[@]}" update -qq 2>&1); then return 0; fi
    case "$out" in
      *"Could not get lock"*|*"Unable to lock"*) say "Waiting for another package install to finish"; sleep 2 ;;
      *) return 1 ;;
    esac
  done
  return 1
}

apt_install() {
  command -v apt-get >/dev/null || return 1
  if [ -z "${TILLIT_APT_UPDATED:-}" ]; then
    apt_update >/dev/null 2>&1 || true
    export TILLIT_APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "${APT_WAIT[@]}" install -y -qq "$@" >/dev/null
}

ensure_rust() {
  command -v cargo >/dev/null || die "cargo is missing: install Rust from rustup (https://rustup.rs), then run this again."
}

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_wasm_tools() {
  if ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
    say "Adding the wasm32 target"
    rustup target add wasm32-unknown-unknown >/dev/null || die "could not add the wasm32-unknown-unknown target (rustup target add wasm32-unknown-unknown)"
  fi
  local want; want=$(wasm_bindgen_version)
  [ -n "$want" ] || { cargo generate-lockfile >/dev/null; want=$(wasm_bindgen_version); }
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "Installing wasm-bindgen-cli $want (a few minutes, once)"
    # Its own lockfile asks for a crate version the registry may lack: no --locked.
    cargo install -q wasm-bindgen-cli --version "$want" || die "could not install wasm-bindgen-cli $want"
  fi
}

# Builds the six web apps into frontend/dist: the agency's staff app
# (index.html), its reports (reports.html) and follow-up (followup.html),
# the institute's (institute.html), the respondent app (respond.html) and
# the staff's way in (entry.html).
# Everything under dist/assets/ is named by its content's hash and
# precompressed, so the server can cache it forever.
build_frontend() {
  ensure_wasm_tools
  say "Building the web apps"
  # tillit-staff builds the four staff apps (tillit-staff, -institute, -reports, -followup).
  cargo build -q -p tillit-staff -p tillit-respond -p tillit-entry --target wasm32-unknown-unknown --profile wasm-release
  local out=frontend/dist tmp app js wasm boot css page staff_assets=""
  tmp=$(mktemp -d)
  rm -rf "$out" && mkdir -p "$out/assets"
  css=$(hashed frontend/web/style.css "$out/assets")
  for app in staff institute reports followup respond entry; do
    wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name "$app" \
      "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/tillit-$app.wasm"
    optimize_wasm "$tmp/${app}_bg.wasm"
    minify_js "$tmp/$app.js"
    wasm=$(hashed "$tmp/${app}_bg.wasm" "$out/assets")
    js=$(hashed "$tmp/$app.js" "$out/assets")
    # A file, not an inline script: the Content-Security-Policy allows no inline code.
    : > "$tmp/boot-$app.js"
    [ $app = respond ] && cat frontend/web/early-session.js > "$tmp/boot-$app.js"
    printf "import init from './%s';\nconst ready = init({ module_or_path: new URL('./%s', import.meta.url) });\n" \
      "$js" "$wasm" >> "$tmp/boot-$app.js"
    # The login page fetches the staff app as soon as the person starts on
    # the form, so the overview after logging in comes from the browser's
    # cache; not before, so the page itself has the connection to itself.
    [ $app = entry ] && printf "let asked = false;\nconst prefetch = () => { if (asked) return; asked = true; for (const f of [%s]) { const l = document.createElement('link'); l.rel = 'prefetch'; l.href = '/assets/' + f; document.head.append(l); } };\nready.then(() => { addEventListener('focusin', prefetch); addEventListener('pointerdown', prefetch); });\n" \
      "$staff_assets" >> "$tmp/boot-$app.js"
    [ $app = staff ] && staff_assets="'$js', '$wasm'"
    minify_js "$tmp/boot-$app.js"
    boot=$(hashed "$tmp/boot-$app.js" "$out/assets")
    # The staff apps and the way in share one page (staff.html), told apart
    # by their description; employees' page has its own words.
    page=$(case $app in staff) echo index ;; *) echo $app ;; esac).html
    sed -e "s/@CSS@/$css/g" -e "s/@JS@/$js/g" -e "s/@WASM@/$wasm/g" -e "s/@BOOT@/$boot/g" \
      -e "s/@DESCRIPTION@/$(case $app in
        staff) echo "Tillit: medarbeiderundersøkelser for statlige virksomheter" ;;
        institute) echo "Tillit: instituttet" ;;
        reports) echo "Tillit: rapporter" ;;
        followup) echo "Tillit: tiltak" ;;
        entry) echo "Tillit: logg inn" ;;
      esac)/g" \
      "frontend/web/$([ $app = respond ] && echo respond || echo staff).html" > "$out/$page"
  done
  rm -rf "$tmp"
  precompress "$out/assets"
  cp -r frontend/web/assets/. "$out/"
}

# Copies $1 into directory $2 as name-<hash>.ext and prints the new name.
hashed() {
  local base name; base=$(basename "$1")
  name="${base%.*}-$(sha256sum "$1" | cut -c1-16).${base##*.}"
  cp "$1" "$2/$name" && echo "$name"
}

# .br and .gz beside every asset, made once here instead of on every request.
# Node's zlib does brotli; without Node, gzip only (the server then sends gzip).
precompress() {
  if command -v node >/dev/null; then
    node scripts/precompress.mjs "$1"
  else
    say "node not found: assets get gzip only (install nodejs for brotli)"
    for f in "$1"/*; do gzip -9 -k -n -f "$f"; done
  fi
}

# wasm-opt from npm's binaryen (Debian's binaryen 108 breaks the module):
# about a third smaller to download. Skipped, with a note, if npm is missing.
# wasm-opt (npm package binaryen) and terser, once, in ~/.cache/tillit-npm.
# Prints that folder's bin path, or nothing when npm is missing or fails
# (the web app then works, only bigger).
web_tools() {
  local npm_dir="$HOME/.cache/tillit-npm"
  if [ ! -x "$npm_dir/node_modules/.bin/wasm-opt" ] || [ ! -x "$npm_dir/node_modules/.bin/terser" ]; then
    if ! command -v npm >/dev/null; then
      say "npm not found: the web app is not size-optimised (install npm for wasm-opt and terser)" >&2
      return 0
    fi
    say "Installing wasm-opt and terser (npm packages binaryen and terser, once)" >&2
    mkdir -p "$npm_dir"
    (cd "$npm_dir" && npm install --no-save --no-audit --no-fund --silent binaryen@132.0.0 terser@5.51.4 >/dev/null) \
      || { say "could not install binaryen and terser from npm: the web app is not size-optimised" >&2; return 0; }
  fi
  echo "$npm_dir/node_modules/.bin"
}

optimize_wasm() {
  local bin; bin=$(web_tools)
  [ -n "$bin" ] || return 0
  "$bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$1" -o "$1.opt" && mv "$1.opt" "$1"
}

# wasm-bindgen's glue as written is readable, not small: minified it is a
# third of the bytes (about 2 KB less per app after brotli).
minify_js() {
  local bin; bin=$(web_tools)
  [ -n "$bin" ] || return 0
  "$bin/terser" "$1" --module --compress --mangle -o "$1.min" && mv "$1.min" "$1"
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "Installing Chromium and ChromeDriver (Debian packages)"
    apt_install chromium chromium-driver || die "Chromium is missing: install the Debian packages chromium and chromium-driver"
  fi
}

find_pg_bin() {
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then dirname "$(command -v initdb)"; return; fi
  local d; d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return; }
  return 1
}

# Starts a throwaway PostgreSQL cluster; sets TILLIT_TEST_PG. Stop with stop_pg.
start_pg() {
  local bin
  if ! bin=$(find_pg_bin); then
    say "Installing PostgreSQL server binaries (Debian package postgresql)"
    apt_install postgresql >/dev/null || die "PostgreSQL server binaries (initdb, pg_ctl) are missing: install the Debian package postgresql"
    bin=$(find_pg_bin) || die "initdb not found after installing postgresql"
  fi
  PG_DIR=$(mktemp -d /tmp/tillit-pg.XXXXXX)
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local run=()
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root.
    id postgres >/dev/null 2>&1 || useradd -r -m postgres
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log"; die "initdb failed"; }
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-k $PG_DIR -p $PG_PORT -c listen_addresses=127.0.0.1 -c max_connections=300 -F" start >/dev/null \
    || { cat "$PG_DIR/log"; die "PostgreSQL did not start"; }
  PG_STOP=("${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate stop)
  export TILLIT_TEST_PG="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  say "PostgreSQL running on port $PG_PORT"
}

stop_pg() {
  if [ -n "${PG_DIR:-}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=
  fi
}

ensure_axe() {
  if [ ! -f e2e/node_modules/axe-core/axe.min.js ]; then
    command -v npm >/dev/null || apt_install npm || die "npm is missing (needed for axe-core): install Node.js and npm"
    say "Installing axe-core (npm) for the accessibility checks"
    (cd e2e && npm install --no-save --no-audit --no-fund --silent axe-core@4.14.1 >/dev/null) || die "could not install axe-core from npm"
  fi
}

# Python tools from PyPI in a private virtualenv: an independent OpenAPI 3.1
# validator, and aiosmtpd, the real SMTP server the mail tests send to.
TILLIT_VENV="$HOME/.cache/tillit-venv"
ensure_python_tools() {
  if [ ! -x "$TILLIT_VENV/bin/openapi-spec-validator" ] || ! "$TILLIT_VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
    say "Installing openapi-spec-validator and aiosmtpd (PyPI)"
    [ -x "$TILLIT_VENV/bin/pip" ] || python3 -m venv "$TILLIT_VENV" || die "python3 -m venv failed: install python3-venv"
    "$TILLIT_VENV/bin/pip" install -q openapi-spec-validator aiosmtpd || die "could not install openapi-spec-validator and aiosmtpd from PyPI"
  fi
  export TILLIT_SMTPD_PYTHON="$TILLIT_VENV/bin/python"
  export TILLIT_VENV
}

# The client generators an integrator would use, for the generated-client
# tests: openapi-python-client (PyPI, in the same virtualenv) and
# openapi-typescript + openapi-fetch + tsc (npm, pinned by the example's
# package-lock.json).
ensure_client_generators() {
  ensure_python_tools
  if [ ! -x "$TILLIT_VENV/bin/openapi-python-client" ]; then
    say "Installing openapi-python-client (PyPI)"
    "$TILLIT_VENV/bin/pip" install -q openapi-python-client==0.29.1 || die "could not install openapi-python-client from PyPI"
  fi
  if [ ! -x examples/hr-sync/typescript/node_modules/.bin/openapi-typescript ]; then
    command -v npm >/dev/null || apt_install npm || die "npm is missing (needed for the TypeScript client test): install Node.js and npm"
    say "Installing openapi-typescript, openapi-fetch and typescript (npm)"
    (cd examples/hr-sync/typescript && npm ci --no-audit --no-fund --silent >/dev/null) || die "could not install the TypeScript client tools from npm"
  fi
}

# The mail tests make a throwaway CA and relay certificate with openssl.
ensure_openssl() {
  command -v openssl >/dev/null && return 0
  say "Installing openssl (Debian package)"
  apt_install openssl || die "openssl is missing: install the Debian package openssl"
}

validate_openapi() {
  ensure_python_tools
  "$TILLIT_VENV/bin/openapi-spec-validator" openapi/openapi.json openapi/openapi-3.0.json
}
