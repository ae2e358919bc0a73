#!/usr/bin/env bash
# Where one resq forward pass spends its time, with Linux perf.
#
# Usage: bench/profile_resq.sh [FOLDER [IDS [REPEAT [ONNX]]]]
#   FOLDER  a resq-compile folder (default bench/.cache/llama56m, which
#           bench/compare_ort.py writes), IDS its input (default FOLDER_ids.npy),
#   REPEAT  passes per measurement (default 20); the profiles run on 1 thread,
#   ONNX    the model FOLDER was compiled from (default: the generated Llama
#           in bench/.cache), for ONNX Runtime's own per-operator profile.
#
# Prints, with 1 and 2 threads, for the default allocator and for glibc's
# malloc told to keep freed memory (GLIBC_TUNABLES below), the page faults
# and system time per pass
# (the difference between a 1-pass and a 1+REPEAT-pass run, so loading the
# model cancels out) and resq-run's ms per pass; then the top symbols of a
# perf record of REPEAT passes, and which user-space code the kernel samples
# come from; last, ONNX Runtime's time per pass by operator type.
set -eu  # not pipefail: `head` closes pipes early on purpose

repo=$(cd "$(dirname "$0")/.." && pwd)
folder=${1:-$repo/bench/.cache/llama56m}
ids=${2:-${folder}_ids.npy}
repeat=${3:-20}
onnx_model=${4:-$(ls "$repo"/bench/.cache/llama_*_op17.onnx 2>/dev/null | head -1)}
run=${RESQ_RUN:-$repo/build/bin/resq-run}
keep_freed_memory="glibc.malloc.trim_threshold=4294967295:glibc.malloc.mmap_threshold=33554432"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v perf >/dev/null || { echo "perf is not installed"; exit 1; }

per_pass() {  # $1: label, $2: GLIBC_TUNABLES value, $3: threads
  for n in 1 $((repeat + 1)); do
    GLIBC_TUNABLES=$2 perf stat -e page-faults -o "$work/stat$n" -- \
      "$run" "$folder" "$ids" --threads "$3" --repeat "$n" 2>"$work/err$n" >/dev/null
  done
  local last=$((repeat + 1))
  awk -v label="$1" -v passes="$repeat" \
      -v ms="$(sed -n 's/resq-run: \([0-9.]*\) ms per run.*/\1/p' "$work/err$last")" '
    $2 == "page-faults" { faults[FILENAME] = $1 }
    $3 == "sys" { sys[FILENAME] = $1 }
    END {
      first = ARGV[1]; last = ARGV[2]
      printf "%-38s %6.0f page faults/pass  %6.1f ms system time/pass  resq-run %7.2f ms/pass (%d passes)\n",
             label, (faults[last] - faults[first]) / passes,
             1000 * (sys[last] - sys[first]) / passes, ms, passes + 1
    }' "$work/stat1" "$work/stat$last"
}

echo "== $folder, $repeat passes"
for threads in 1 2; do
  per_pass "$threads thread(s), default malloc" "" "$threads"
  per_pass "$threads thread(s), malloc keeps memory" "$keep_freed_memory" "$threads"
done

for setting in default keep; do
  tunables=""
  [[ $setting == keep ]] && tunables=$keep_freed_memory
  echo
  echo "== perf record, $setting malloc: top symbols (% of samples, loading included)"
  GLIBC_TUNABLES=$tunables perf record -q -F 1999 -g -o "$work/perf.data" -- \
    "$run" "$folder" "$ids" --threads 1 --repeat "$repeat" >/dev/null 2>&1
  perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null |
    grep -E '^ +[0-9]' | head -6
  echo "--"
  perf report -i "$work/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null |
    grep -E '^ +[0-9]' | head -12 | cut -c1-160
  echo "-- kernel samples by the user-space function that entered the kernel"
  perf script -i "$work/perf.data" -F ip,sym,dso 2>/dev/null | python3 -c '
import collections, sys
total = kernel = 0
callers = collections.Counter()
for sample in sys.stdin.read().split("\n\n"):
    frames = [f.strip() for f in sample.strip().splitlines() if f.strip()]
    if not frames:
        continue
    total += 1
    if "kernel.kallsyms" not in frames[0]:
        continue
    kernel += 1
    user = next((f.split(None, 1)[1] for f in frames if "kernel.kallsyms" not in f),
                "(kernel only)")
    callers[user[:100]] += 1
print(f"{kernel} of {total} samples in the kernel ({100 * kernel / max(total, 1):.1f}%)")
for caller, count in callers.most_common(5):
    print(f"  {100 * count / max(total, 1):5.1f}%  {caller}")
'
done

[[ -n $onnx_model ]] || exit 0
echo
echo "== ONNX Runtime profile of $onnx_model, 1 thread: ms per pass by operator type"
python3 - "$onnx_model" "$ids" "$repeat" "$work/ort" <<'PY'
import collections, json, sys
import numpy as np
import onnxruntime as ort
path, ids_file, repeat, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
options = ort.SessionOptions()
options.intra_op_num_threads = options.inter_op_num_threads = 1
options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
options.enable_profiling = True
options.profile_file_prefix = prefix
session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
feed = {session.get_inputs()[0].name: np.load(ids_file)}
for _ in range(repeat + 1):
    session.run(None, feed)
with open(session.end_profiling()) as f:
    events = json.load(f)
runs = sorted((e for e in events if e.get("name") == "model_run"), key=lambda e: e["ts"])
warm_from = runs[0]["ts"] + runs[0]["dur"]  # the first pass is a warm-up
by_op = collections.Counter()
for e in events:
    if e.get("cat") == "Node" and e["name"].endswith("_kernel_time") and e["ts"] >= warm_from:
        by_op[e["args"]["op_name"]] += e["dur"] / 1e3 / repeat
total = sum(by_op.values())
print(f"model_run median {np.median([e['dur'] / 1e3 for e in runs[1:]]):.2f} ms "
      f"over {repeat} passes; operators (ms per pass):")
for op, ms in by_op.most_common(8):
    print(f"  {op:30s} {ms:8.2f} ms  {100 * ms / total:5.1f}%")
PY
