#!/usr/bin/env bash
# Refresh static/vendor/ from the npm registry at the versions pinned in package.json.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
version() { python3 -c "import json,sys; print(json.load(open('package.json'))['dependencies'][sys.argv[1]])" "$1"; }
fetch() { local v; v=$(version "$1"); (cd "$work" && npm pack -q "$1@$v" >/dev/null && mkdir -p "$1" && tar xzf "$1-$v.tgz" -C "$1"); }
for pkg in bootstrap bootstrap-icons echarts htmx.org; do fetch "$pkg"; done
V=static/vendor
rm -rf "$V"/{bootstrap,htmx,echarts,bootstrap-icons} && mkdir -p "$V"/{bootstrap,htmx,echarts,bootstrap-icons/fonts}
cp "$work"/bootstrap/package/dist/css/bootstrap.min.css{,.map} "$work"/bootstrap/package/dist/js/bootstrap.bundle.min.js{,.map} \
   "$work"/bootstrap/package/LICENSE "$V/bootstrap/"
cp "$work"/htmx.org/package/dist/htmx.min.js "$work"/htmx.org/package/LICENSE "$V/htmx/"
cp "$work"/echarts/package/dist/echarts.min.js "$work"/echarts/package/LICENSE "$V/echarts/"
cp "$work"/bootstrap-icons/package/font/bootstrap-icons.min.css "$work"/bootstrap-icons/package/LICENSE "$V/bootstrap-icons/"
cp "$work"/bootstrap-icons/package/font/fonts/* "$V/bootstrap-icons/fonts/"
echo "static/vendor refreshed from package.json"
