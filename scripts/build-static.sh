#!/usr/bin/env bash
# One static, stripped tollgate for hosts where nobody compiles Rust (bastions):
# x86_64-unknown-linux-musl, TLS by rustls (no OpenSSL), no shared library needed at run time.
#
#   scripts/build-static.sh            # -> dist/tollgate-x86_64-linux-musl
#
# Installs what it needs when missing: the Rust target (rustup) and musl-gcc (Debian's
# musl-tools, for the C and assembly parts of the `ring` crypto crate; needs root or sudo).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
target=x86_64-unknown-linux-musl
out="$repo/dist/tollgate-x86_64-linux-musl"

die() { echo "build-static.sh: $*" >&2; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    command -v rustup >/dev/null || die "rustup is needed to add the $target target"
    rustup target add "$target"
fi
if ! command -v musl-gcc >/dev/null; then
    sudo=()
    [[ "$(id -u)" == 0 ]] || sudo=(sudo -n)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends musl-tools >&2 \
        || die "musl-gcc is missing: install Debian's musl-tools (needs root or sudo)"
fi

cd "$repo"
cargo build --release --locked --target "$target" --bin tollgate
mkdir -p "$(dirname "$out")"
strip -o "$out" "target/$target/release/tollgate"

# Prove it: static, and it runs.
linkage="$(ldd "$out" 2>&1 || true)"
case "$linkage" in
    *"statically linked"*|*"not a dynamic executable"*) ;;
    *) die "$out is dynamically linked: $(echo "$linkage" | head -3)" ;;
esac
"$out" --version >/dev/null || die "$out does not run"
size=$(stat -c %s "$out")
echo "build-static.sh: $out: static, stripped, $((size / 1024 / 1024)).$(( (size % (1024 * 1024)) * 10 / 1024 / 1024 )) MiB ($size bytes)"
