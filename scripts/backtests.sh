#!/usr/bin/env bash
# The backtests of docs/evidence.md ("Forecasts scored against naive methods"): every shipped
# series whose control is its preset's and that has a point after another, at 100,000 users
# (USERS=N to change it) and fit's other defaults. (mcp-oss-secrets-clean-mcpampel has two points but counts leaked secrets, not
# the `mcp` preset's authentication, so fitting it would compare different controls.) Writes one
# folder per backtest under ${1:-target/backtests} and prints each table.
set -euo pipefail
out=${1:-target/backtests}
users=${USERS:-100000}
esplab=${ESPLAB:-target/release/esplab}
data=(--series data/security_series.csv --events data/security_events.csv)
mkdir -p "$out"
run() {
    local name=$1
    shift
    echo "== $name: esplab backtest $*"
    "$esplab" backtest "${data[@]}" "$@" --users "$users" --out "$out/$name" --force --quiet
    "$esplab" report "$out/$name" --quiet
    column -s, -t < "$out/$name/scores.csv" | cut -c1-150
}
run https-firefox --series-id https-firefox-pageloads --horizon 12mo \
    --as-of 2014-04 --as-of 2014-10 --as-of 2015-04 --as-of 2015-10
run chip-cards --series-id emv-us-merchants-visa --horizon 12mo
run chip-cards-scheduled --series-id emv-us-merchants-visa --horizon 12mo --as-of 2015-09 --keep-scheduled
run mcp-remote-auth --series-id mcp-remote-auth-kai --horizon 1mo --as-of 2026-02
run https-chrome-android --series-id https-chrome-android --horizon 24mo --as-of 2015-03
run https-chrome-windows --series-id https-chrome-windows --horizon 24mo --as-of 2015-04
