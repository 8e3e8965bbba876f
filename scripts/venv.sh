# Shared by run.sh and test.sh: create ./.venv and install frontdesk into it, again only when
# pyproject.toml changed since the last install.

ensure_venv() {
    local extras="$1"
    local python="${PYTHON:-python3}"
    if [ ! -x .venv/bin/python ]; then
        "$python" -m venv .venv
    fi
    local stamp=".venv/.frontdesk-installed${extras}"
    local want
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
        echo "$want" > "$stamp"
    fi
}

ensure_chromium() {
    # Browser tests drive Debian's chromium; Playwright never downloads a browser.
    if [ -x /usr/bin/chromium ]; then
        return
    fi
    echo "installing Debian's chromium for the browser tests"
    local sudo=""
    if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}
