#!/usr/bin/env bash
# Baseline for listing a registry: fetch every page of
#   GET <URL>/api/2.0/mlflow/registered-models/search?max_results=PAGE_SIZE
# with plain curl (one process per page), following next_page_token. Bodies are
# discarded; one summary line (pages, wall seconds) goes to stderr.
#
#   scripts/bench/curl_pages.sh http://127.0.0.1:5987 50
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 <TRACKING_URL> <PAGE_SIZE>" >&2
    exit 2
fi
base="${1%/}"
size="$2"
url="$base/api/2.0/mlflow/registered-models/search"

start_ns=$(date +%s%N)
pages=0 token=""
while :; do
    if [[ -z "$token" ]]; then
        body="$(curl -sS --fail-with-body -G "$url" --data-urlencode "max_results=$size")"
    else
        body="$(curl -sS --fail-with-body -G "$url" --data-urlencode "max_results=$size" \
                     --data-urlencode "page_token=$token")"
    fi
    pages=$((pages + 1))
    token="$(grep -o '"next_page_token": *"[^"]*"' <<<"$body" | sed 's/.*"\([^"]*\)"$/\1/' || true)"
    [[ -n "$token" ]] || break
done
end_ns=$(date +%s%N)
printf 'curl_pages: page_size=%s pages=%d wall_s=%s\n' "$size" "$pages" \
    "$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')" >&2
