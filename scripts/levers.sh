#!/usr/bin/env bash
# The lever figures of docs/evidence.md ("Who can move the baseline"): the standard levers of
# `mcp` with their three parts at 200,000 and 1,000,000 users (to show where the effects have
# converged), the same at 200,000 with the regulator off (how much passes through outcry-driven
# regulation), and every lever's dose-response over its real range at 200,000 users. 40 paired
# runs each (RUNS=N, USERS=N to change them). Writes one folder each under ${1:-target/levers}
# and prints each table.
set -euo pipefail
out=${1:-target/levers}
runs=${RUNS:-40}
users=${USERS:-200000}
esplab=${ESPLAB:-target/release/esplab}
mkdir -p "$out"
run() {
    local name=$1
    shift
    echo "== $name: esplab leverage mcp $*"
    local start=$SECONDS
    "$esplab" leverage mcp --runs "$runs" "$@" --out "$out/$name" --force --quiet
    "$esplab" report "$out/$name" --quiet
    echo "   ($((SECONDS - start)) s)"
    local table=leverage.csv
    [ -f "$out/$name/doses.csv" ] && table=doses.csv
    column -s, -t < "$out/$name/$table" | cut -c1-170
}
run "standard-$users" --users "$users"
run standard-1000000 --users 1000000
run "no-regulator-$users" --users "$users" --set regulator.enabled=false
run "doses-$users" --users "$users" --doses
