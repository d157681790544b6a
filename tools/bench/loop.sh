#!/usr/bin/env bash
# The developer loop's times, measured in a fresh clone of HEAD (docs/PERFORMANCE.md):
#   1. `make test` on a fresh clone (installs, builds and tests everything),
#   2. `make test` again after touching one function,
#   3. the same after touching the model crate,
#   4. a release build of one function after touching it.
# Usage: tools/bench/loop.sh [DIR]   (DIR: where to clone; default /tmp/fingertip-loop)
# Prints one line per measure and writes target/bench/loop.json in this checkout.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${1:-/tmp/fingertip-loop}"
rm -rf "$dir"
git clone -q "$here" "$dir"
cd "$dir"
# The function and the model file a developer would touch (the layout changed with the
# crate split; take whichever exists).
function_file=functions/catalog/src/lib.rs
model_file=
for f in shared/src/lib.rs shared/src/domain/mod.rs; do [ -f "$f" ] && model_file=$f && break; done

seconds() {
  local start=$SECONDS log="$dir/.loop-$SECONDS.log"
  "$@" > "$log" 2>&1 || { echo "failed: $* (see $log)" >&2; exit 1; }
  echo $((SECONDS - start))
}
touch_file() { echo "// touched" >> "$1"; }

fresh=$(seconds make test)
touch_file "$function_file"
one_function=$(seconds make test)
git checkout -q -- "$function_file"
touch_file "$model_file"
model=$(seconds make test)
git checkout -q -- "$model_file"
touch_file "$function_file"
release=$(seconds cargo build --release -q -p catalog)
git checkout -q -- "$function_file"

printf 'fresh make test: %ss\nmake test after touching one function: %ss\nmake test after touching the model crate: %ss\nrelease build of one function after touching it: %ss\n' \
  "$fresh" "$one_function" "$model" "$release"
mkdir -p "$here/target/bench"
printf '{"freshMakeTest":%s,"afterOneFunction":%s,"afterModelCrate":%s,"releaseOneFunction":%s}\n' \
  "$fresh" "$one_function" "$model" "$release" > "$here/target/bench/loop.json"
