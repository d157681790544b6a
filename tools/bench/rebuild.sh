#!/usr/bin/env bash
# How long the compiler keeps a developer waiting after one edit, at a commit
# (docs/PERFORMANCE.md, "The developer loop"): a worktree of COMMIT is built once, then one
# file is touched at a time and the rebuild timed:
#   - every test binary (`cargo test --workspace --no-run`: what `make test` compiles) after
#     touching one function, the WeChat client, the model crate;
#   - a release build of one function (catalog) after touching it, and its binary's size.
# The worktrees of two commits share one target directory, so their dependencies are built
# once and only the workspace's own crates differ.
# Usage: tools/bench/rebuild.sh COMMIT [LABEL]; appends a line to target/bench/rebuild.jsonl.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
commit="$1"
label="${2:-$commit}"
dir="/tmp/fingertip-rebuild-$label"
export CARGO_TARGET_DIR="${REBUILD_TARGET:-/tmp/fingertip-rebuild-target}"
export CARGO_TERM_COLOR=never
git -C "$here" worktree remove --force "$dir" 2>/dev/null || rm -rf "$dir"
git -C "$here" worktree add -q --detach "$dir" "$commit"
cd "$dir"

# The files a developer touches; the layout changed with the crate split, so take whichever
# exists.
first() { for f in "$@"; do [ -f "$f" ] && { echo "$f"; return; }; done; echo "none of $*" >&2; exit 1; }
function_file=$(first functions/catalog/src/lib.rs)
wechat_file=$(first shared/wechat/src/lib.rs shared/src/wechat.rs)
model_file=$(first shared/src/lib.rs)

seconds() {
  local start=$SECONDS
  "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  echo $((SECONDS - start))
}
touched() { echo "// touched $(date +%s%N)" >> "$1"; }
tests_after() { touched "$1"; seconds cargo test --workspace --no-run; git checkout -q -- "$1"; }

cargo test --workspace --no-run > /dev/null 2>&1
cargo build --release -q -p catalog
one_function=$(tests_after "$function_file")
wechat=$(tests_after "$wechat_file")
model=$(tests_after "$model_file")
# Back to the commit's own files, so the next measure starts from a built tree.
cargo test --workspace --no-run > /dev/null 2>&1
touched "$function_file"
release=$(seconds cargo build --release -q -p catalog)
git checkout -q -- "$function_file"
size=$(stat -c %s "$CARGO_TARGET_DIR/release/catalog")

line=$(printf '{"label":"%s","commit":"%s","testsAfterOneFunction":%s,"testsAfterWechat":%s,"testsAfterModel":%s,"releaseOneFunction":%s,"catalogBytes":%s}' \
  "$label" "$(git rev-parse --short HEAD)" "$one_function" "$wechat" "$model" "$release" "$size")
echo "$line"
mkdir -p "$here/target/bench"
echo "$line" >> "$here/target/bench/rebuild.jsonl"
cd "$here"
git worktree remove --force "$dir"
