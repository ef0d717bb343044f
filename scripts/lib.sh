# shellcheck shell=bash
# Shared helpers for scripts/serve, scripts/test, scripts/postgres and .ci/run. Source it; do not run it.
# Every step is idempotent and skips work that is already done, so a second run starts in seconds.

WARROOM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$WARROOM_ROOT/.venv"
LOCK_FILE="$WARROOM_ROOT/requirements-dev.lock"
_SCRIPT_STARTED=$SECONDS

section() {
    printf '\n==> [%s +%ss] %s\n' "$(date +%H:%M:%S)" "$((SECONDS - _SCRIPT_STARTED))" "$*"
}

info() {
    printf '    %s\n' "$*" >&2
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

is_root() {
    [ "$(id -u)" -eq 0 ]
}

can_apt() {
    is_root && command -v apt-get >/dev/null 2>&1
}

# apt_install PACKAGE... : refresh the package lists once per run, then install without prompting.
apt_install() {
    can_apt || return 1
    if [ -z "${_WARROOM_APT_UPDATED:-}" ]; then
        info "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || return 1
        _WARROOM_APT_UPDATED=1
    fi
    info "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

# apt_ensure COMMAND:PACKAGE... : install each PACKAGE whose COMMAND is missing, in one apt-get call.
apt_ensure() {
    local wanted=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || wanted+=("${pair#*:}")
    done
    if [ "${#wanted[@]}" -eq 0 ]; then
        info "already installed: ${*%%:*}"
        return 0
    fi
    apt_install "${wanted[@]}"
}

# The first Python 3.11+ found: $PYTHON, python3.11, python3, python.
find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.11 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# Create .venv with Python 3.11+ unless a working one is there.
ensure_venv() {
    if [ -x "$VENV/bin/python" ] &&
        "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        info "using $VENV ($("$VENV/bin/python" --version))"
        return 0
    fi
    local python
    python="$(find_python)" || die "Warroom needs Python 3.11 or newer; install it (Debian: apt-get install python3) or set PYTHON=/path/to/python3.11"
    info "creating $VENV with $python ($("$python" --version))"
    rm -rf "$VENV"
    if ! "$python" -m venv "$VENV" 2>/dev/null; then
        # Debian splits venv/ensurepip into its own package.
        rm -rf "$VENV"
        apt_install python3-venv || die "'$python -m venv' failed; install the venv module (Debian: apt-get install python3-venv)"
        "$python" -m venv "$VENV" || die "'$python -m venv $VENV' failed"
    fi
}

# install_project [EXTRAS] : pip install -e .[EXTRAS] with every version held by requirements-dev.lock.
# Skipped when pyproject.toml, the lock and the extras are unchanged since the last successful install.
install_project() {
    local extras="${1:-}" target="." stamp_file="$VENV/.warroom-install-stamp" stamp
    [ -n "$extras" ] && target=".[$extras]"
    stamp="$(cat "$WARROOM_ROOT/pyproject.toml" "$LOCK_FILE" 2>/dev/null | sha256sum | cut -d' ' -f1) $extras"
    if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] && [ -x "$VENV/bin/warroom" ]; then
        info "Python packages are up to date ($target)"
        return 0
    fi
    info "pip install -e '$target' (pinned by requirements-dev.lock)"
    (cd "$WARROOM_ROOT" && "$VENV/bin/python" -m pip install --disable-pip-version-check -q \
        -c "$LOCK_FILE" -e "$target") || die "pip install failed (see above)"
    printf '%s' "$stamp" >"$stamp_file"
}
