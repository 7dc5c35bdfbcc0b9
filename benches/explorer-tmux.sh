#!/usr/bin/env bash
# The explorer as a person meets it, measured in tmux at 120x40 (docs/performance.md):
#   - start to first full frame (the status bar's totals are on screen);
#   - bytes written to the terminal while idle for 5 s, and for each key of two fixed walks
#     through the tree (moves down and up, folds opened; one within the first screen, one that
#     scrolls the tree at nearly every move) — what a slow SSH link pays for;
#   - peak memory (VmHWM) after one single-control edit.
#
#   cargo build --release
#   cargo run -q --release --example gen-stack -- --parties 10000 --seed 1 > /tmp/stack-10000.toml
#   benches/explorer-tmux.sh /tmp/stack-10000.toml
#
# Needs tmux. BIN overrides the binary (default target/release/stackgap); VERBOSE=1 prints the
# bytes of every key.
set -euo pipefail

file=${1:?usage: benches/explorer-tmux.sh STACK.toml}
bin=${BIN:-$(dirname "$0")/../target/release/stackgap}
session=stackgap-measure-$$
bytes=$(mktemp)
started=$(mktemp)
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -f "$bytes" "$started"' EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
size() { stat -c %s "$bytes"; }
wait_for() {
    for _ in $(seq 3000); do
        tmux capture-pane -p -t "$session" 2>/dev/null | grep -q "$1" && return
        sleep 0.01
    done
    echo "gave up waiting for \"$1\" on the screen" >&2
    exit 1
}

tmux new-session -d -s "$session" -x 120 -y 40 \
    "date +%s%N > $started; exec $bin --as-of 2026-11-28 $file"
wait_for "as of 2026-11-28"
first=$(now_ms)
echo "start to first full frame: $((first - $(cat "$started") / 1000000)) ms"

sleep 0.5
tmux pipe-pane -t "$session" -o "cat >> $bytes"
sleep 0.5
b=$(size)
sleep 5
echo "idle for 5 s: $(($(size) - b)) bytes"

# Sends each key of a walk, records the bytes it made the explorer write, and prints the
# one-row moves (j, k): median, 90th percentile and max.
walk() {
    local moves=() line="" key b n
    for key in $2; do
        b=$(size)
        tmux send-keys -t "$session" "$key"
        sleep 0.25
        n=$(($(size) - b))
        line+="$key:$n "
        [[ $key == j || $key == k ]] && moves+=("$n")
    done
    [[ -n ${VERBOSE:-} ]] && echo "bytes per key: $line"
    printf '%s\n' "${moves[@]}" | sort -n | awk -v what="$1" '{ a[NR] = $1 } END {
        printf "%s, one-row moves (%d): median %d, 90th percentile %d, max %d bytes\n",
            what, NR, a[int((NR + 1) / 2)], a[int(NR * 0.9 + 0.5)], a[NR] }'
}

# Within the first screen: down through the roots, open two folds, down through hand-offs,
# back up, to the bottom and up, to the top and down.
walk "first screen" "j j j j j j j j l j j j j j j l j j j j j j k k k k G k k k k k g j j j"
# Down and into a fold at every other row, far below the first screen, and back up: nearly
# every move scrolls the tree.
walk "scrolling" "g $(printf 'j l j %.0s' $(seq 30))$(printf 'k %.0s' $(seq 30))"

# One single-control edit: on the first root, into the hand-off pane, toggle whether the party
# implements its first requirement.
for key in g Tab i; do
    tmux send-keys -t "$session" "$key"
    sleep 0.3
done
wait_for "1 unsaved edit"
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
peak=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
echo "peak memory after one edit: $((peak / 1024)) MB ($(awk -v p="$peak" -v f="$(stat -c %s "$file")" \
    'BEGIN { printf "%.1f", p * 1024 / f }')x the file)"
