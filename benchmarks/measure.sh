# measure LABEL REPEAT COMMAND...: runs COMMAND REPEAT times (stdout to /dev/null unless
# MEASURE_OUT names a file) and prints the medians of wall and CPU (user + sys) time and the
# largest peak memory; sets MED_WALL and MED_CPU (seconds) for the caller.
measure() {
  local label=$1 repeat=$2; shift 2
  local t; t=$(mktemp)
  for _ in $(seq "$repeat"); do
    /usr/bin/time -o "$t" -a -f "%e %U %S %M" "$@" > "${MEASURE_OUT:-/dev/null}" 2> /dev/null || {
      echo "$label: command failed: $*" >&2; rm -f "$t"; return 1; }
  done
  median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
  MED_WALL=$(awk '{print $1}' "$t" | median)
  MED_CPU=$(awk '{printf "%.2f\n", $2 + $3}' "$t" | median)
  MAX_MEM=$(awk '$4 > m {m = $4} END{print m}' "$t")
  rm -f "$t"
  printf '%s: median of %d: wall %.3f s, cpu %.3f s, peak memory %d MB\n' "$label" "$repeat" "$MED_WALL" "$MED_CPU" $((MAX_MEM / 1024))
}

# machine_line: cores, model, load (the machine is shared: compare CPU times).
machine_line() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
}
