#!/usr/bin/env bash
# Ensure the Python virtualenv used by tollgate's scripts exists and holds
# scripts/requirements.txt.  Idempotent: pip runs only when requirements.txt
# (or the interpreter) changed since the last successful install.
#
#   TOLLGATE_VENV          venv location (default: <repo>/.venv)
#   TOLLGATE_REQUIREMENTS  requirements file (default: scripts/requirements.txt; the
#                          compatibility servers use scripts/requirements-mlflow-<release>.txt)
#   PYTHON                 interpreter used to create it (default: python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
venv="${TOLLGATE_VENV:-$repo/.venv}"
req="${TOLLGATE_REQUIREMENTS:-$here/requirements.txt}"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1; then
    echo "venv.sh: '$python' not found; Python 3.11 is required" >&2
    exit 1
fi

pyver="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
want="$( { sha256sum "$req" | cut -d' ' -f1; echo "$pyver"; } | sha256sum | cut -d' ' -f1)"
stamp="$venv/.tollgate-requirements.sha256"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
    echo "venv.sh: creating $venv" >&2
    "$python" -m venv "$venv"
fi

echo "venv.sh: installing $(grep -cvE '^\s*(#|$)' "$req") pinned requirements into $venv" >&2
rm -f "$stamp"
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$req"
# Quick sanity check that the pieces the scripts rely on import.
if [[ -z "${TOLLGATE_REQUIREMENTS:-}" ]]; then
    "$venv/bin/python" -c 'import mlflow, sklearn, scipy, numpy, pandas, requests' >/dev/null
else
    "$venv/bin/python" -c 'import mlflow' >/dev/null
fi
echo "$want" > "$stamp"
echo "venv.sh: ready ($("$venv/bin/python" -c 'import mlflow; print("mlflow", mlflow.__version__)'))" >&2
