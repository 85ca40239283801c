#!/usr/bin/env bash
# Sets up the 3D renderer's own environment in render3d/.venv (Blender as a Python
# module, about 30 s and 1 GB). Needs Python 3.11 (bpy 5.0.1 ships for 3.11 only).
set -euo pipefail
cd "$(dirname "$0")"
py=${PYTHON:-python3.11}
command -v "$py" >/dev/null || py=python3
if ! "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    echo "render3d needs Python 3.11 for bpy 5.0.1; set PYTHON=/path/to/python3.11" >&2
    exit 2
fi
[[ -x .venv/bin/python ]] || "$py" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
.venv/bin/python -c 'import bpy, formcheck_render3d.body' && echo "render3d is ready"
