#!/usr/bin/env bash
# Ensure the Python virtualenv used by tollgate's scripts exists and holds
# scripts/requirements.txt.  Idempotent: the installer runs only when requirements.txt
# (or the interpreter) changed since the last successful install.
#
# The installer is uv (from PyPI, pinned in scripts/requirements-uv.txt, kept in its own small
# venv <repo>/.uv), which resolves and unpacks the ~100 wheels in parallel: on a fresh 2-core
# machine that is most of the demo's first run saved. If uv cannot be had, pip does the same.
#
#   TOLLGATE_VENV          venv location (default: <repo>/.venv)
#   TOLLGATE_REQUIREMENTS  requirements file (default: scripts/requirements.txt; the
#                          compatibility servers use scripts/requirements-mlflow-<release>.txt)
#   TOLLGATE_INSTALLER     uv (default) or pip
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

# uv, installed once into <repo>/.uv from PyPI by pip (a few seconds); prints its path, or
# nothing when it cannot be had (then pip installs, as before).
uv_bin() {
    local tools="$repo/.uv" pin="$here/requirements-uv.txt"
    # One installer at a time (several venvs may be set up at once).
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$repo/.uv.lock"
        flock 9
    fi
    if [[ -x "$tools/bin/uv" && -f "$tools/.pin" && "$(cat "$tools/.pin")" == "$(cat "$pin")" ]]; then
        echo "$tools/bin/uv"
        return
    fi
    rm -rf "$tools"
    if "$python" -m venv "$tools" >&2 &&
        "$tools/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$pin" >&2; then
        cp "$pin" "$tools/.pin"
        echo "$tools/bin/uv"
    else
        echo "venv.sh: cannot install uv; pip installs instead (slower)" >&2
    fi
}

uv=""
[[ "${TOLLGATE_INSTALLER:-uv}" == uv ]] && uv="$(uv_bin)"
# uv trusts the system's CA store, as pip does here (a registry behind a TLS-inspecting proxy).
export UV_NATIVE_TLS="${UV_NATIVE_TLS:-1}"

if [[ ! -x "$venv/bin/python" ]]; then
    echo "venv.sh: creating $venv" >&2
    if [[ -n "$uv" ]]; then
        # --seed puts pip in it too, for whoever runs `python -m pip` in this venv later.
        "$uv" venv -q --seed --python "$(command -v "$python")" "$venv"
    else
        "$python" -m venv "$venv"
    fi
fi

echo "venv.sh: installing $(grep -cvE '^\s*(#|$)' "$req") pinned requirements into $venv${uv:+ (uv)}" >&2
rm -f "$stamp"
if [[ -n "$uv" ]]; then
    "$uv" pip install -q --python "$venv/bin/python" -r "$req"
else
    "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$req"
fi
# Quick sanity check that the pieces the scripts rely on import.
if [[ -z "${TOLLGATE_REQUIREMENTS:-}" ]]; then
    "$venv/bin/python" -c 'import mlflow, sklearn, scipy, numpy, pandas, requests' >/dev/null
else
    "$venv/bin/python" -c 'import mlflow' >/dev/null
fi
echo "$want" > "$stamp"
echo "venv.sh: ready ($("$venv/bin/python" -c 'import mlflow; print("mlflow", mlflow.__version__)'))" >&2
