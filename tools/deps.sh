#!/bin/sh
# Installs the Debian 12 packages that building and testing opsctl need, only when one is
# missing (so that a second run does not touch the network). Run as root or through sudo.
set -eu
here=$(dirname "$0")
packages=$(grep -v '^#' "$here/debian-packages.txt" | tr '\n' ' ')
missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# The npm checkers of tools/package.json (markdownlint-cli for the review's Markdown, mermaid
# and jsdom for its charts, html-validate for its HTML page), into tools/node_modules, only
# when one is missing; the tests skip what is not there.
npm_tools() {
    if command -v npm >/dev/null 2>&1 && { [ ! -x "$here/node_modules/.bin/markdownlint" ] ||
        [ ! -x "$here/node_modules/.bin/html-validate" ] || [ ! -d "$here/node_modules/mermaid" ] ||
        [ ! -d "$here/node_modules/jsdom" ]; }; then
        (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
            echo "tools/deps.sh: npm could not install tools/package.json (the tests skip those checks)" >&2
    fi
}
if [ -z "$missing" ]; then
    npm_tools
    exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "installing:$missing" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
npm_tools
