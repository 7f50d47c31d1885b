#!/usr/bin/env bash
# The speaker-pause study (speaker-pause-study.ts): probe the quick set at four pause scales and the
# three recorded speakers without the rule (resumable: a probe whose files exist is not run again),
# then choose the rule on the tuning voices and report every set.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${SPEAKER_PAUSE_CACHE:-/tmp/fullduplex-speaker-pauses}"
mkdir -p "$dir"
eot() { node bin/fullduplex.js bench eot --no-speaker-pauses --samples --out "$dir" "$@" >/dev/null; }
generated=()
for scale in 1 0.3 0.5 0.7; do
  name="eot-quick-16$([ "$scale" = 1 ] || echo "-pauses$scale")-no-speaker-pauses"
  [ -f "$dir/$name.samples.json" ] || eot --set quick --per-category 16 --pause-scale "$scale"
  generated+=("$dir/$name.samples.json")
done
recorded=()
for voices in recorded recorded:june recorded:carlo; do
  name="eot-recorded$([ "$voices" = recorded ] || echo "-${voices#recorded:}")-no-speaker-pauses"
  [ -f "$dir/$name.samples.json" ] || eot --voices "$voices"
  recorded+=("$dir/$name.samples.json")
done
join() { local IFS=,; echo "$*"; }
node dist/bench/turn-end/speaker-pause-study.js --generated "$(join "${generated[@]}")" --recorded "$(join "${recorded[@]}")" "$@"
