#!/usr/bin/env bash
# The preflight users write today before their LLM jobs: curl every hop's
# key check and one chat completion per model, one request after another.
# `go run ./bench` runs it against the simulator as the baseline for
# hopcheck. By default it sends exactly the requests hopcheck sends for the
# same chains: per chain each hop's key check with the key the job holds, a
# reverse proxy's pass-through key check, then the canary, with a key check
# that an earlier chain already made skipped (hopcheck sends identical
# requests once). PER_CHAIN=1 is the naive variant that repeats every key
# check for each chain.
#
# Inputs (environment):
#   LITELLM_URL        LiteLLM proxy root            (chains ci → litellm → openrouter)
#   EDGE_URL           nginx in front of OpenRouter, …/api/v1 (chains ci → edge → openrouter)
#   OPENROUTER_URL     OpenRouter base, …/api/v1     (all chains; chains ci → openrouter)
#   LITELLM_KEY        the proxy's key
#   OPENROUTER_API_KEY the OpenRouter key
#   LITELLM_MODELS     model_names to test through LiteLLM (space separated)
#   EDGE_MODELS        OpenRouter model ids to test through edge
#   DIRECT_MODELS      OpenRouter model ids to test directly
#   TIMEOUT            per-request timeout in seconds (default 10)
#   PER_CHAIN          1: repeat every key check per chain (default 0: once)
# Exit status: 0 when every request got HTTP 200, 1 otherwise.
set -u
: "${LITELLM_URL:?}" "${EDGE_URL:?}" "${OPENROUTER_URL:?}" "${LITELLM_KEY:?}" "${OPENROUTER_API_KEY:?}"
TIMEOUT=${TIMEOUT:-10}
PER_CHAIN=${PER_CHAIN:-0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
done_checks=" "

# check NAME URL [curl args…]: one request; prints the status, never the key.
check() {
  local name=$1 url=$2 code
  shift 2
  code=$(curl -sS -o "$tmp/body" -w '%{http_code}' --max-time "$TIMEOUT" "$@" "$url" 2>"$tmp/err") || code=000
  if [ "$code" = 200 ]; then
    echo "ok    $name"
  else
    echo "FAIL  $name: HTTP $code $(head -c 200 "$tmp/body" "$tmp/err" 2>/dev/null | tr -d '\r\n')"
    fail=1
  fi
}

# key ID NAME URL KEY: a key check, sent once per ID unless PER_CHAIN=1.
key() {
  local id=$1
  if [ "$PER_CHAIN" != 1 ]; then
    case "$done_checks" in *" $id "*) return 0 ;; esac
    done_checks="$done_checks$id "
  fi
  check "$2" "$3" -H "Authorization: Bearer $4"
}

chat() { # chat NAME URL MODEL KEY
  check "$1" "$2" -H "Authorization: Bearer $4" -H 'Content-Type: application/json' \
    -d "{\"model\":\"$3\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Reply with OK.\"}],\"stream\":false}"
}

for m in ${LITELLM_MODELS:-}; do
  key litellm "litellm key ($m)" "$LITELLM_URL/v1/models" "$LITELLM_KEY"
  key openrouter "openrouter key ($m)" "$OPENROUTER_URL/key" "$OPENROUTER_API_KEY"
  chat "chat ci → litellm → openrouter ($m)" "$LITELLM_URL/v1/chat/completions" "$m" "$LITELLM_KEY"
done
for m in ${EDGE_MODELS:-}; do
  key edge "key through edge ($m)" "$EDGE_URL/key" "$OPENROUTER_API_KEY"
  key openrouter "openrouter key ($m)" "$OPENROUTER_URL/key" "$OPENROUTER_API_KEY"
  chat "chat ci → edge → openrouter ($m)" "$EDGE_URL/chat/completions" "$m" "$OPENROUTER_API_KEY"
done
for m in ${DIRECT_MODELS:-}; do
  key openrouter "openrouter key ($m)" "$OPENROUTER_URL/key" "$OPENROUTER_API_KEY"
  chat "chat ci → openrouter ($m)" "$OPENROUTER_URL/chat/completions" "$m" "$OPENROUTER_API_KEY"
done
exit $fail
