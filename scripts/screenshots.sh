#!/usr/bin/env bash
# Regenerate screenshots/*.png from the REAL binary against a seeded demo registry.
#
#   scripts/screenshots.sh            # starts (and stops) a seeded demo server on a free port
#   TOLLGATE_SCREENSHOT_URI=http://127.0.0.1:5000 scripts/screenshots.sh   # use a running one
#
# How: the release binary runs in tmux at a fixed 120x34; keys are sent with send-keys; each
# view is captured with `capture-pane -e` (text plus colours), turned into SVG by
# scripts/screenshots/ansi2svg.py, then into PNG by rsvg-convert. Needs tmux, librsvg2-bin and
# fonts (installed with apt-get when missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/screenshots"
COLS=120
ROWS=34
SESSION="tollgate-shots-$$"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need tmux || ! need rsvg-convert || ! fc-list 2>/dev/null | grep -qi "DejaVu Sans Mono"; then
    echo "screenshots.sh: installing tmux, librsvg2-bin and fonts" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux librsvg2-bin fonts-dejavu-core fonts-wqy-zenhei >/dev/null
fi

cd "$ROOT"
cargo build --release --quiet
BIN="$ROOT/target/release/tollgate"

HOME_DIR="$(mktemp -d)"
DATA=""
cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    if [[ -n "$DATA" ]]; then "$ROOT/scripts/mlflow-server.sh" stop "$DATA" >/dev/null 2>&1 || true; fi
    rm -rf "$HOME_DIR"
}
trap cleanup EXIT

URI="${TOLLGATE_SCREENSHOT_URI:-}"
if [[ -z "$URI" ]]; then
    # The demo registry of scripts/demo.sh: reused when it is running, else started (and
    # stopped again at the end; seeding a fresh one takes a few minutes).
    demo_data="${TOLLGATE_DEMO_DATA:-$ROOT/.demo}"
    if "$ROOT/scripts/mlflow-server.sh" status "$demo_data" >/dev/null 2>&1; then
        URI="http://127.0.0.1:$(cat "$demo_data/server.port")"
    else
        DATA="$demo_data"
        PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
        "$ROOT/scripts/start-seeded-server.sh" "$DATA" "$PORT" demo
        URI="http://127.0.0.1:$PORT"
    fi
fi

# The demo's governance history (as scripts/demo.sh records it: signed, one record tampered
# with), once per registry.
demo_data="${TOLLGATE_DEMO_DATA:-$ROOT/.demo}"
mkdir -p "$demo_data"
"$ROOT/scripts/seed/demo-signers.sh" "$demo_data"
POLICY="$(cd "$demo_data" && pwd)/policy.toml"
if [[ -z "${TOLLGATE_SCREENSHOT_URI:-}" && ! -f "$demo_data/decisions.done" ]]; then
    "$ROOT/scripts/seed/demo-decisions.sh" "$BIN" "$URI" "$POLICY" "$demo_data/keys"
    touch "$demo_data/decisions.done"
fi

cat > "$HOME_DIR/config.toml" <<TOML
default_profile = "demo"
[profiles.demo]
tracking_uri = "$URI"
policy = "$POLICY"
TOML

screen() { tmux capture-pane -t "$SESSION" -p; }
wait_for() { # wait_for TEXT: poll the screen (no fixed sleeps that could race)
    for _ in $(seq 1 300); do
        if screen | grep -qF -- "$1"; then return 0; fi
        sleep 0.1
    done
    echo "screenshots.sh: timed out waiting for '$1'; the screen shows:" >&2
    screen >&2
    exit 1
}
keys() { tmux send-keys -t "$SESSION" "$@"; sleep 0.2; }
shot() { # shot NAME: capture the screen as screenshots/NAME.png
    sleep 0.3
    tmux capture-pane -t "$SESSION" -e -p -N > "$HOME_DIR/$1.ansi"
    python3 "$ROOT/scripts/screenshots/ansi2svg.py" "$COLS" "$ROWS" < "$HOME_DIR/$1.ansi" > "$HOME_DIR/$1.svg"
    rsvg-convert "$HOME_DIR/$1.svg" -o "$OUT/$1.png"
    echo "screenshots.sh: $OUT/$1.png" >&2
}

mkdir -p "$OUT"
tmux kill-session -t "$SESSION" 2>/dev/null || true
tmux new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" \
    "env -i PATH=/usr/bin:/bin TOLLGATE_USER=dana.ortiz HOME=$HOME_DIR XDG_CONFIG_HOME=$HOME_DIR/config XDG_DATA_HOME=$HOME_DIR/data TOLLGATE_CONFIG=$HOME_DIR/config.toml TERM=xterm-256color COLORTERM=truecolor $BIN"
tmux set-option -t "$SESSION" status off >/dev/null

wait_for "credit-risk-scorer"
shot models

keys / c r e d i t
wait_for "(server search)"
keys Enter
keys Enter
wait_for "serving v"
shot versions

keys / @ c h a m p i o n
keys Enter
keys Enter
wait_for "Description"
shot version-detail

keys 2
wait_for "Metrics ("
shot version-metrics

keys Escape
sleep 0.3
keys Escape
sleep 0.3
keys Escape
wait_for "sort name"
keys ?
wait_for "Filter and command line"
shot help

keys Escape
keys :
keys t h e m e Space l
keys Tab
wait_for ":theme light"
shot command-line
keys C-c

# The evidence tabs on the monitored version with the 30,000-point curve, then compare.
tmux kill-session -t "$SESSION" 2>/dev/null || true
tmux new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" \
    "env -i PATH=/usr/bin:/bin TOLLGATE_USER=dana.ortiz HOME=$HOME_DIR XDG_CONFIG_HOME=$HOME_DIR/config XDG_DATA_HOME=$HOME_DIR/data TOLLGATE_CONFIG=$HOME_DIR/config.toml TERM=xterm-256color COLORTERM=truecolor $BIN open credit-risk-scorer 4"
tmux set-option -t "$SESSION" status off >/dev/null
wait_for "Description"
keys 2
wait_for "Metrics ("
keys / t r a i n _ l o s s _ f i n e
keys Enter
wait_for "30000 points"
shot metrics-curve
keys 3
wait_for "four-fifths"
shot fairness
keys 4
wait_for "drifting since"
shot drift
keys 5
wait_for "LINEAGE"
shot lineage
# Down the tree to the parent run (the sweep), Enter opens the run view, Esc comes back.
for _ in $(seq 1 30); do
    if screen | grep -F "▶" | grep -qF "run hpo-sweep"; then break; fi
    keys j
done
keys Enter
wait_for "Params ("
shot run-view
keys Escape
wait_for "LINEAGE"
# Back to the versions list: as many Escapes as the tab needs (not past it, to the models).
for _ in 1 2 3; do
    if screen | grep -qF "serving v"; then break; fi
    keys Escape
    sleep 0.3
done
wait_for "serving v"
keys Space
keys Space
keys c
wait_for "(Esc closes)"
keys G
sleep 1
shot compare
keys Escape
keys :
keys v e l o c i t y
keys Enter
wait_for "PER MONTH"
shot velocity
keys C-c

# Governance: the inbox, a request's Gate tab with a check's evidence, the approve dialog (not
# submitted: the screenshots leave the registry as they found it) and the Audit tab.
tmux kill-session -t "$SESSION" 2>/dev/null || true
tmux new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" \
    "env -i PATH=/usr/bin:/bin TOLLGATE_USER=dana.ortiz HOME=$HOME_DIR XDG_CONFIG_HOME=$HOME_DIR/config XDG_DATA_HOME=$HOME_DIR/data TOLLGATE_CONFIG=$HOME_DIR/config.toml TERM=xterm-256color COLORTERM=truecolor $BIN"
tmux set-option -t "$SESSION" status off >/dev/null
wait_for "sort name"
wait_for "pending (:inbox)"
shot models-markers
keys :
keys i n b o x
keys Enter
wait_for "REQUESTER"
wait_for "churn-predictor"
shot inbox
keys Enter
wait_for "→ Production"
wait_for "digest"
shot gate
keys j
keys Enter
wait_for "Evidence:"
shot gate-evidence
keys Escape
keys a
wait_for "Approve:"
wait_for "type the model name"
keys Tab
keys -l "Two weeks in Staging, no drift; gates pass"
sleep 0.5
shot approve-dialog
keys Escape
keys 7
wait_for "DECISION"
wait_for "signed ✓"
shot audit
keys C-c

# A caught forgery: the comment of dana's signed rejection of credit-risk-scorer v5 was
# rewritten by plain REST (scripts/seed/demo-decisions.sh); the Audit tab names the record.
tmux kill-session -t "$SESSION" 2>/dev/null || true
tmux new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" \
    "env -i PATH=/usr/bin:/bin TOLLGATE_USER=dana.ortiz HOME=$HOME_DIR XDG_CONFIG_HOME=$HOME_DIR/config XDG_DATA_HOME=$HOME_DIR/data TOLLGATE_CONFIG=$HOME_DIR/config.toml TERM=xterm-256color COLORTERM=truecolor $BIN open credit-risk-scorer 5"
tmux set-option -t "$SESSION" status off >/dev/null
wait_for "Description"
keys 7
wait_for "DECISION"
wait_for "BAD SIGNATURE"
# Down to the tampered record: selected, the reason is spelled out under the table.
for _ in 1 2 3 4 5; do
    if screen | grep -F "▶" | grep -qF "BAD SIGNATURE"; then break; fi
    keys j
done
wait_for "not what was signed"
shot audit-forgery
keys C-c
