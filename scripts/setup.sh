#!/usr/bin/env bash
# Sets up formcheck from a fresh checkout: the virtual environment in .venv/, the
# package with its dev tools, the pose model bundle and, with --dev, the system
# programs the tests use (ffmpeg, Xvfb, xdotool, espeak-ng, Chromium). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0
for arg in "$@"; do
    case $arg in
        --dev) dev=1 ;;
        -h|--help) echo "usage: scripts/setup.sh [--dev]  (--dev: the test tools and programs too)"
                   exit 0 ;;
        *) echo "scripts/setup.sh: unknown option '$arg'; usage: scripts/setup.sh [--dev]" >&2
           exit 2 ;;
    esac
done

py=${PYTHON:-python3}
if ! command -v "$py" >/dev/null; then
    echo "no Python at '$py'; install Python 3.11 or newer, or set PYTHON=/path/to/python3.11" >&2
    exit 2
fi
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "formcheck needs Python 3.11 or newer ($py is $("$py" -V 2>&1)); set" \
         "PYTHON=/path/to/python3.11" >&2
    exit 2
fi

if [[ $dev == 1 ]]; then
    need=()
    command -v ffprobe >/dev/null || need+=(ffmpeg)
    command -v Xvfb >/dev/null || need+=(xvfb)
    command -v xdotool >/dev/null || need+=(xdotool)
    command -v espeak-ng >/dev/null || need+=(espeak-ng)
    command -v chromium >/dev/null || need+=(chromium)
    if (( ${#need[@]} )); then
        if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
            echo "Installing system packages: ${need[*]}"
            apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                "${need[@]}" >/dev/null
        else
            echo "Not installed: ${need[*]} (tests that need them will be skipped)" >&2
        fi
    fi
fi

[[ -x .venv/bin/python ]] || "$py" -m venv .venv
extra=""; [[ $dev == 1 ]] && extra="[dev,ray]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}"
.venv/bin/formcheck models fetch >/dev/null
echo "formcheck is ready: .venv/bin/formcheck --help"
