# The web apps' download size and Lighthouse (mobile, simulated slow 4G and
# a 4x slower CPU) on the respondent's /s and the staff app's /login, run
# against a demo server. Sourced by scripts/bench after the release build.

# Median of Lighthouse runs per page: performance score, first and largest
# contentful paint, total blocking time, layout shift, console errors.
web_bench() {
  local lh_dir="$HOME/.cache/tillit-lighthouse" port data pid link runs=3
  if [ ! -x "$lh_dir/node_modules/.bin/lighthouse" ]; then
    command -v npm >/dev/null || die "npm is missing: install the Debian package npm for Lighthouse"
    say "Installing Lighthouse (npm, once)"
    mkdir -p "$lh_dir"
    (cd "$lh_dir" && npm install --no-save --no-audit --no-fund --silent lighthouse@13.5.0 >/dev/null) \
      || die "could not install Lighthouse from npm"
  fi
  ensure_chromium
  echo
  echo "The web apps as served (brotli; gzip for browsers without it):"
  echo "| app | wasm br | js br | total br | budget | total gzip |"
  echo "|---|---:|---:|---:|---:|---:|"
  for app in respond entry staff institute reports followup; do
    local wb jb wg jg budget
    wb=$(stat -c %s frontend/dist/assets/${app}_bg-*.wasm.br); jb=$(stat -c %s frontend/dist/assets/${app}-*.js.br)
    wg=$(stat -c %s frontend/dist/assets/${app}_bg-*.wasm.gz); jg=$(stat -c %s frontend/dist/assets/${app}-*.js.gz)
    budget=$(case $app in staff|institute|reports|followup) echo 256000 ;; *) echo 122880 ;; esac)
    echo "| $app | $wb | $jb | $((wb + jb)) | $budget | $((wg + jg)) |"
  done
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  data=$(mktemp -d /tmp/tillit-web-bench.XXXXXX)
  TILLIT_DATA_DIR="$data" TILLIT_BIND="127.0.0.1:$port" TILLIT_STATIC_DIR="$PWD/frontend/dist" RUST_LOG=warn \
    "${TILLIT_BIN:-$CARGO_TARGET_DIR/release/tillit}" --demo >"$data/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.5; done
  sleep 2 # the demo's invitations reach the mail folder
  # One employee's link, from the mail the demo sent (a fresh link per run).
  link=$(python3 - "$data/mail" <<'PY'
import email, pathlib, re, sys
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.eml")):
    m = email.message_from_bytes(f.read_bytes())
    for part in m.walk():
        if part.get_content_type() == "text/plain":
            found = re.search(r"https?://\S+/s#t=[A-Za-z0-9_-]+", part.get_payload(decode=True).decode())
            if found:
                print(found.group(0)); sys.exit(0)
PY
)
  [ -n "$link" ] || { kill "$pid"; die "no survey link in the demo's mail"; }
  echo
  echo "Lighthouse $(cd "$lh_dir" && node_modules/.bin/lighthouse --version), mobile preset, median of $runs runs:"
  echo "| page | performance | FCP | LCP | TBT | CLS | console errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for page in "/s" "/login"; do
    local url="http://127.0.0.1:$port$page" out=()
    [ "$page" = /s ] && url="$link"
    for i in $(seq 1 $runs); do
      CHROME_PATH=$(command -v chromium) "$lh_dir/node_modules/.bin/lighthouse" "$url" --quiet \
        --only-categories=performance,best-practices --output=json --output-path="$data/lh-$i.json" \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>&1 || true
      out+=("$data/lh-$i.json")
    done
    node scripts/lighthouse-median.mjs "$page" "${out[@]}"
  done
  kill "$pid" 2>/dev/null || true
  rm -rf "$data"
}
