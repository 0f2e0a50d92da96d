#!/usr/bin/env bash
# The demo's people get SSH keys, so the decisions the demo records are signed as real ones are
# (README, "Verifying decisions"): one ed25519 key per person in DATA/keys, the allowed_signers
# file naming them (principal = tollgate identity), and the demo policy, examples/policy.toml
# with `allowed_signers` pointing at that file. Idempotent: existing keys are kept.
#
#   scripts/seed/demo-signers.sh DATA_DIR      # prints nothing; writes DATA/{keys/,allowed_signers,policy.toml}
#
# These are demo keys without passphrases, made on this machine for this registry only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="$(cd "$1" && pwd)"
PEOPLE=(sam.okafor dana.ortiz priya.natarajan marco.bianchi ci-bot)

command -v ssh-keygen >/dev/null 2>&1 || {
    echo "demo-signers.sh: installing openssh-client (ssh-keygen, ssh-agent)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client >/dev/null
}

mkdir -p "$DATA/keys"
chmod 700 "$DATA/keys"
: > "$DATA/allowed_signers.tmp"
for person in "${PEOPLE[@]}"; do
    key="$DATA/keys/$person"
    if [[ ! -f "$key" ]]; then
        ssh-keygen -q -t ed25519 -N '' -C "$person (tollgate demo)" -f "$key"
    fi
    printf '%s namespaces="tollgate-decision" %s\n' "$person" "$(cut -d' ' -f1,2 "$key.pub")" \
        >> "$DATA/allowed_signers.tmp"
done
mv "$DATA/allowed_signers.tmp" "$DATA/allowed_signers"

# The example policy, with whose keys count. Relative paths in a policy are read from the
# policy's folder, so the copy lives next to allowed_signers.
sed '/^\[settings\]/a allowed_signers = "allowed_signers"   # the demo people'"'"'s keys (scripts/seed/demo-signers.sh)' \
    "$ROOT/examples/policy.toml" > "$DATA/policy.toml"
grep -q '^allowed_signers' "$DATA/policy.toml" || {
    echo "demo-signers.sh: examples/policy.toml has no [settings] table to add allowed_signers to" >&2
    exit 1
}
