#!/usr/bin/env bash
# MPI tests (issue 13): the MPI builds of generate, predict and train against the serial tools on
# the project's reference inputs, with `mpirun --oversubscribe -np 2` and `-np 3` (uneven splits).
# Installs Open MPI when missing (scripts/build-mpi.sh). MPI_TESTS=0 skips it.
#   - generate: training set (and .forces) byte-identical, stdout identical but for the date lines,
#     also in steps of 5 structures (several gathers per run);
#   - predict: stdout identical (96 structures, several blocks per rank);
#   - train: every METHOD from the same start (networks, train.rngstate, train.restart): .nn within
#     TOL of the serial result (per method, below), train.out identical but for dates for the methods
#     whose reduction is exact;
#   - train with FORCES (aenet-PyTorch decks): .nn within FTOL of serial, the same structures in
#     energies.*/forces.*, STOP, and 5 + 5 epochs on 2 then 3 ranks equal to 10 serial epochs;
#   - failures: a bad structure in another rank's share, and a bad deck, stop every rank with one
#     message and a non-zero status (no hang: every mpirun runs under `timeout`); STOP; a run killed
#     during training resumes from train.restart with another number of ranks.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${MPI_TESTS:-1}" = "0" ]; then echo "test-mpi: skipped (MPI_TESTS=0)"; exit 0; fi
root=$(pwd)
mpibin=$(scripts/build-mpi.sh | tail -1)
swift build -c release --product generate > /dev/null
swift build -c release --product train > /dev/null
swift build -c release --product predict > /dev/null
swift build -c release --product aenet-compat > /dev/null
bin="$root/.build/release"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
export OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d "${TMPDIR:-/tmp}/aenet-mpi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
fails=0
pass() { echo "  ok    $*"; }
fail() { echo "  FAIL  $*"; fails=$((fails + 1)); }
run_mpi() { local n=$1; shift; timeout 120 mpirun --oversubscribe -np "$n" "$@"; }
nodates() { grep -v -E '[0-9]{4}-[0-9]{2}-[0-9]{2}  [0-9]{2}:[0-9]{2}:[0-9]{2}' "$1"; }

echo "test-mpi: generate"
mkdir "$work/gen" && cp -r reference-inputs/. "$work/gen/"
cd "$work/gen"
{ cat generate.in; printf '\nFORCES\nFORCESPERCENT 50\n'; } | sed 's/^OUTPUT reference.train/OUTPUT forces.train/' > generate-forces.in
"$bin/generate" generate.in > serial.out
"$bin/generate" generate-forces.in > serial-forces.out
for n in 2 3; do
  for deck in generate generate-forces; do
    out=$(sed -n 's/^OUTPUT *//p' $deck.in | tr -d ' ')
    mv "$out" "serial-$out"; [ -f "$out.forces" ] && mv "$out.forces" "serial-$out.forces"
    run_mpi $n "$mpibin/generate" $deck.in --chunk-size 5 > mpi.out
    if cmp -s "$out" "serial-$out" && { [ ! -f "serial-$out.forces" ] || cmp -s "$out.forces" "serial-$out.forces"; } \
       && diff <(nodates mpi.out) <(nodates "$( [ $deck = generate ] && echo serial.out || echo serial-forces.out)") > /dev/null; then
      pass "generate -np $n $deck.in: training set$( [ -f "$out.forces" ] && echo ' and .forces') byte-identical, stdout identical"
    else fail "generate -np $n $deck.in differs from serial"; fi
    rm -f "$out" "$out.forces"; mv "serial-$out" "$out"; [ -f "serial-$out.forces" ] && mv "serial-$out.forces" "$out.forces"
  done
done
# A bad structure in the last rank's share: one message, non-zero status, no training set.
sed 's/^OUTPUT reference.train/OUTPUT bad.train/; s#structures/cluster-08.xsf#structures/missing.xsf#' generate.in > bad.in
set +e; run_mpi 3 "$mpibin/generate" bad.in > bad.out 2> bad.err; rc=$?; set -e
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ ! -f bad.train ] && [ "$(grep -c 'generate: error: .*missing.xsf' bad.err)" = 1 ]; then
  pass "generate -np 3 with a missing file in rank 2's share: one message, exit $rc, no output"
else fail "generate -np 3 with a missing file: rc=$rc, $(grep -c 'generate: error' bad.err) messages"; cat bad.err; fi
cd "$root"

echo "test-mpi: train"
base="$work/gen"
net() { printf 'NETWORKS\n  Ti  Ti.nn  2  %s\n  O   O.nn   2  %s\n' "${NODES:-5:tanh 5:tanh}" "${NODES:-5:tanh 5:tanh}"; }
deck() { printf 'TRAININGSET reference.train\nTESTPERCENT 10\nITERATIONS %s\nMAXENERGY 5.0\nMETHOD\n%s\nSAVE_ENERGIES\n' "$2" "$1"; net; }
# Tolerances on the weights after 10 epochs: bfgs and adam (batches of 8) sum gradients over ranks (round-off,
# amplified by the line search); online_sd and ekf use per-structure results that one rank
# computes (exact: identical to serial). lm with batches of B <= (W+1)/2 structures gathers the
# batch's Jacobian columns (exact; with B < W the step is solved in the batch's B × B space); "lm-sum"
# (W = 74, B = 40, with AENET_LM_SYSTEM=weights: the nw × nw system) sums each rank's normal equations
# (J_r·J_rᵀ, J_r·dE) instead: round-off, which later steps with a damping that falls towards 0
# amplify, so it is compared after one epoch.
# Which message lm sent per step (AENET_MPI_STATS=1 lists rank 1's sums over ranks by length): "lm"
# (B = 16, W = 402) must gather the batch's Jacobian columns (sums of W·B doubles, one per step, and
# no sum of the packed normal equations), "lm-sum" (B = 40, W = 74) must sum the packed normal
# equations (W(W+1)/2 + W + 1 doubles, one per step, and no Jacobian of W·B doubles). Steps: epochs ×
# round(training structures / B), from train.out. Sets lm_msg.
lm_path() {
  local dir=$1 tag=$2 m=$3 epochs=$4 W N B P steps sums nsum njac
  W=$(awk '/Total number of weights/ { s += $NF } END { print s + 0 }' "$dir/train.out")
  N=$(awk '/Training structures/ { print $NF; exit }' "$dir/train.out")
  B=${m##*batchsize=}
  P=$((W * (W + 1) / 2 + W + 1))
  steps=$(( (2 * N + B) / (2 * B) )); [ $steps -ge 1 ] || steps=1; steps=$((epochs * steps))
  sums=$(sed -n 's/^aenet-mpi: sums over ranks on rank 1 (doubles x count): //p' "$dir/train.err")
  nsum=$(tr ' ' '\n' <<< "$sums" | awk -F x -v l=$P '$1 == l { print $2 }')
  njac=$(tr ' ' '\n' <<< "$sums" | awk -F x -v l=$((W * B)) '$1 == l { print $2 }')
  lm_msg="W=$W B=$B steps=$steps: ${nsum:-0} sums of $P (normal equations), ${njac:-0} of $((W * B)) (Jacobian)"
  if [ "$tag" = lm ]; then [ "${njac:-0}" = "$steps" ] && [ -z "$nsum" ]
  else [ "${nsum:-0}" = "$steps" ] && [ -z "$njac" ]; fi
}
for spec in "bfgs:1e-7" "online_sd:0" "adam batchsize=8:1e-9" "ekf:0" "lm batchsize=16:0" "lm-sum batchsize=40:1e-9"; do
  m=${spec%:*}; tol=${spec##*:}; tag=${m%% *}; m=${m/lm-sum/lm}
  epochs=10; nodes="5:tanh 5:tanh"
  [ "$tag" = lm-sum ] && { epochs=1; nodes="1:tanh 1:tanh"; export AENET_LM_SYSTEM=weights; }
  export NODES=$nodes
  d="$work/t-$tag"; mkdir "$d"; cp "$base/reference.train" "$d/"
  (cd "$d" && deck "$m" 0 > start.in && "$bin/train" start.in > start.out 2> start.err)
  for n in 1 2 3; do
    mkdir "$d/$n"; cp "$d"/reference.train* "$d"/train.rngstate "$d"/train.restart "$d"/Ti.nn "$d"/O.nn "$d/$n/"
    (cd "$d/$n" && deck "$m" $epochs > train.in)
  done
  (cd "$d/1" && "$bin/train" train.in > train.out 2> train.err)
  for n in 2 3; do
    (cd "$d/$n" && AENET_MPI_STATS=1 run_mpi $n "$mpibin/train" train.in > train.out 2> train.err) || { fail "train -np $n $tag: exit status $?"; cat "$d/$n/train.err"; continue; }
    ok=1; msg=""
    for s in Ti O; do
      r=$("$bin/aenet-compat" compare-networks "$d/1/$s.nn" "$d/$n/$s.nn" --atol "$tol") || ok=0
      msg="$msg $s: $r;"
    done
    if [ "$tol" = 0 ]; then
      diff <(nodates "$d/1/train.out") <(nodates "$d/$n/train.out") > /dev/null || { ok=0; msg="$msg train.out differs;"; }
      cmp -s "$d/1/energies.train.0" "$d/$n/energies.train.0" || { ok=0; msg="$msg energies.train.0 differs;"; }
    fi
    case $tag in lm|lm-sum) lm_path "$d/$n" "$tag" "$m" $epochs || ok=0; msg="$msg $lm_msg;" ;; esac
    [ $ok = 1 ] && pass "train -np $n $tag (tolerance $tol):$msg" || fail "train -np $n $tag:$msg"
  done
  unset AENET_LM_SYSTEM
done
unset NODES

# STOP: rank 0 sees it, every rank stops after the epoch.
d="$work/t-lm"; mkdir "$d/stop"; cp "$d"/reference.train* "$d"/train.rngstate "$d"/train.restart "$d"/Ti.nn "$d"/O.nn "$d/stop/"
(cd "$d/stop" && deck "lm batchsize=16" 10 > train.in && touch STOP && run_mpi 2 "$mpibin/train" train.in > train.out 2> train.err) \
  && grep -q "File \`STOP' detected" "$d/stop/train.out" && [ -f "$d/stop/Ti.nn-00001" ] && [ ! -f "$d/stop/Ti.nn-00002" ] \
  && pass "train -np 2: STOP ends the run after epoch 1" || fail "train -np 2: STOP"

# Killed during training (SIGKILL to every rank once epoch 3 is written), resumed with 3 ranks: the result is
# the uninterrupted run's (1e-8; the difference is printed on failure). ekf, whose reduction is exact
# (lm's is not: see above), with its covariance matrix in train.restart.
d="$work/t-ekf"
mkdir "$d/kill"; cp "$d"/reference.train* "$d"/train.rngstate "$d"/train.restart "$d"/Ti.nn "$d"/O.nn "$d/kill/"
(cd "$d/kill" && deck "ekf" 60 > train.in)
mkdir "$d/full"; cp "$d"/reference.train* "$d"/train.rngstate "$d"/train.restart "$d"/Ti.nn "$d"/O.nn "$d/full/"
(cd "$d/full" && deck "ekf" 60 > train.in && "$bin/train" train.in > train.out 2> train.err)
(cd "$d/kill" && exec timeout 120 mpirun --oversubscribe -np 2 "$mpibin/train" train.in > train.out 2> train.err) &
mpirun_pid=$!
for _ in $(seq 1 3000); do [ -f "$d/kill/Ti.nn-00003" ] && break; sleep 0.02; done
# The ranks: processes of the MPI train executable in that folder (never anything else).
exe=$(readlink -f "$mpibin/train")
for p in $(pgrep -f "$mpibin/train" 2> /dev/null); do
  if [ "$(readlink /proc/$p/exe 2> /dev/null)" = "$exe" ] && [ "$(readlink /proc/$p/cwd 2> /dev/null)" = "$d/kill" ]; then
    kill -KILL "$p" 2> /dev/null || true
  fi
done
wait $mpirun_pid 2> /dev/null || true
killed_at=$(ls "$d/kill"/Ti.nn-0* 2> /dev/null | wc -l)
(cd "$d/kill" && run_mpi 3 "$mpibin/train" train.in > resumed.out 2> resumed.err) || true
if [ "$killed_at" -lt 60 ] && grep -q "resuming after epoch" "$d/kill/resumed.err" \
   && r=$("$bin/aenet-compat" compare-networks "$d/full/Ti.nn" "$d/kill/Ti.nn" --atol 1e-8); then
  pass "train killed after $killed_at epochs (-np 2), resumed with -np 3: Ti.nn equal to the uninterrupted serial run ($r)"
else fail "train kill/resume (snapshots at kill: $killed_at): $("$bin/aenet-compat" compare-networks "$d/full/Ti.nn" "$d/kill/Ti.nn" 2>&1) $(cat "$d/kill/resumed.err")"; fi

# A damaged training set: one message from one rank, every rank stops.
mkdir "$d/bad"; cp "$d/reference.train.scaled" "$d/bad/"; (cd "$d/bad" && deck "lm" 2 > train.in)
truncate -s 20000 "$d/bad/reference.train.scaled"
set +e; (cd "$d/bad" && run_mpi 3 "$mpibin/train" train.in > train.out 2> train.err); rc=$?; set -e
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ "$(grep -c 'train: error:' "$d/bad/train.err")" = 1 ]; then
  pass "train -np 3 on a damaged training set: one message, exit $rc"
else fail "train -np 3 on a damaged training set: rc=$rc"; cat "$d/bad/train.err"; fi

echo "test-mpi: train with FORCES"
# aenet-PyTorch decks (FORCES, adamw on stratified mini-batches): each rank holds its block of the
# training/test structures and only their derivatives; loss and gradient are summed in rank order.
# The sums differ from serial only by round-off (FTOL on the weights after 10 epochs).
FTOL=1e-9
fdeck() { printf 'TRAININGSET forces.train\nTESTPERCENT 10\nITERATIONS %s\nITERWRITE 1\nBATCHSIZE 8\nNPSEED 1\nPHSEED 2\nFORCES\nalpha=0.5\nSAVE_ENERGIES\nSAVE_FORCES\nMETHOD\nmethod=adamw lr=0.01\nREGULARIZATION 0.001\n' "$1"; net; }
f="$work/t-forces"; mkdir "$f"
for n in 1 2 3 stop resume; do mkdir "$f/$n"; cp "$base/forces.train" "$base/forces.train.forces" "$f/$n/"; done
(cd "$f/1" && fdeck 10 > train.in && "$bin/train" train.in > train.out 2> train.err) || { fail "serial force training"; cat "$f/1/train.err"; }
for n in 2 3; do
  (cd "$f/$n" && fdeck 10 > train.in && run_mpi $n "$mpibin/train" train.in > train.out 2> train.err) || { fail "train -np $n FORCES: exit status $?"; cat "$f/$n/train.err"; continue; }
  ok=1; msg=""
  for s in Ti O; do
    r=$("$bin/aenet-compat" compare-networks "$f/1/$s.nn" "$f/$n/$s.nn" --atol "$FTOL") || ok=0
    msg="$msg $s: $r;"
  done
  # Same structures in the same order in energies.* and forces.* (written by rank 0 from every rank's part).
  for o in energies.train energies.test; do
    diff <(awk '{print $1, $NF}' "$f/1/$o") <(awk '{print $1, $NF}' "$f/$n/$o") > /dev/null || { ok=0; msg="$msg $o: other structures;"; }
  done
  for o in forces.train forces.test; do
    diff <(grep '^#' "$f/1/$o" | awk '{print $2, $NF}') <(grep '^#' "$f/$n/$o" | awk '{print $2, $NF}') > /dev/null || { ok=0; msg="$msg $o: other structures;"; }
  done
  [ "$(grep -c ' <$' "$f/$n/train.out")" = 11 ] && grep -q 'Structures with forces' "$f/$n/train.out" \
    && diff <(grep 'Structures with forces' "$f/1/train.out") <(grep 'Structures with forces' "$f/$n/train.out") > /dev/null || { ok=0; msg="$msg train.out;"; }
  [ $ok = 1 ] && pass "train -np $n FORCES adamw (tolerance $FTOL):$msg" || fail "train -np $n FORCES:$msg"
done
# METHOD bfgs with FORCES (full-batch L-BFGS on the same loss): one sum over ranks per evaluation;
# round-off, amplified by the line searches as for energy-only bfgs (tolerance 1e-7 after 10 epochs).
bdeck() { fdeck "$1" | sed 's/^method=adamw lr=0.01$/bfgs/'; }
for n in 1 2 3; do mkdir "$f/bfgs-$n"; cp "$base/forces.train" "$base/forces.train.forces" "$f/bfgs-$n/"; done
(cd "$f/bfgs-1" && bdeck 10 > train.in && "$bin/train" train.in > train.out 2> train.err) || { fail "serial bfgs force training"; cat "$f/bfgs-1/train.err"; }
for n in 2 3; do
  if (cd "$f/bfgs-$n" && bdeck 10 > train.in && run_mpi $n "$mpibin/train" train.in > train.out 2> train.err) \
     && grep -q "bfgs" "$f/bfgs-$n/train.out" \
     && rt=$("$bin/aenet-compat" compare-networks "$f/bfgs-1/Ti.nn" "$f/bfgs-$n/Ti.nn" --atol 1e-7) \
     && ro=$("$bin/aenet-compat" compare-networks "$f/bfgs-1/O.nn" "$f/bfgs-$n/O.nn" --atol 1e-7); then
    pass "train -np $n FORCES bfgs (tolerance 1e-7): Ti: $rt; O: $ro"
  else fail "train -np $n FORCES bfgs: $(cat "$f/bfgs-$n/train.err") $("$bin/aenet-compat" compare-networks "$f/bfgs-1/Ti.nn" "$f/bfgs-$n/Ti.nn" 2>&1)"; fi
done
(cd "$f/stop" && fdeck 10 > train.in && touch STOP && run_mpi 2 "$mpibin/train" train.in > train.out 2> train.err) \
  && grep -q "File \`STOP' detected" "$f/stop/train.out" && [ "$(grep -c ' <$' "$f/stop/train.out")" = 2 ] \
  && pass "train -np 2 FORCES: STOP ends the run after epoch 1" || fail "train -np 2 FORCES: STOP"
# 5 epochs with 2 ranks, then 5 more (train.restart) with 3 ranks: the serial 10 epochs.
(cd "$f/resume" && fdeck 5 > train.in && run_mpi 2 "$mpibin/train" train.in > first.out 2> first.err \
  && run_mpi 3 "$mpibin/train" train.in > second.out 2> second.err) || true
if grep -q "Restarting the adamw optimizer" "$f/resume/second.err" \
   && r=$("$bin/aenet-compat" compare-networks "$f/1/Ti.nn" "$f/resume/Ti.nn" --atol "$FTOL"); then
  pass "train FORCES 5 epochs -np 2 + 5 epochs -np 3 = 10 serial epochs ($r)"
else fail "train FORCES resume: $("$bin/aenet-compat" compare-networks "$f/1/Ti.nn" "$f/resume/Ti.nn" 2>&1) $(cat "$f/resume/second.err")"; fi

echo "test-mpi: predict"
p="$work/t-lm/1"; cp -r reference-inputs/structures "$p/"
files=$(ls "$p"/structures/*.xsf | sed "s#$p/##")
(cd "$p" && cp "$root/reference-inputs/predict.in" . && "$bin/predict" predict.in --threads 1 $files $files > serial-predict.out)
for n in 2 3; do
  (cd "$p" && run_mpi $n "$mpibin/predict" predict.in $files $files > mpi-predict.out) \
    && diff <(nodates "$p/serial-predict.out") <(nodates "$p/mpi-predict.out") > /dev/null \
    && pass "predict -np $n: stdout identical to serial (96 structures)" || fail "predict -np $n differs from serial"
done

# --errors / --errors-csv with ranks: the sums are added by rank 0 in input order, so the summary and the CSV
# are the serial ones byte for byte.
(cd "$p" && "$bin/predict" predict.in --threads 1 $files $files --errors --errors-csv serial-errors.csv > serial-errors.out)
for n in 2 3; do
  (cd "$p" && run_mpi $n "$mpibin/predict" predict.in $files $files --errors --errors-csv mpi-errors.csv > mpi-errors.out) \
    && grep -q "Errors against the reference data" "$p/mpi-errors.out" \
    && diff <(nodates "$p/serial-errors.out") <(nodates "$p/mpi-errors.out") > /dev/null \
    && cmp -s "$p/serial-errors.csv" "$p/mpi-errors.csv" \
    && pass "predict -np $n --errors --errors-csv: summary and CSV identical to serial" || fail "predict -np $n --errors/--errors-csv differ from serial"
done
# A structure with more atoms than one block (2048) is evaluated by all ranks together, split by blocks of
# atoms (a rutile supercell of 4608 atoms: 2 blocks of O, 1 of Ti): alone, and between small structures.
python3 "$root/benchmarks/make-supercell.py" 4000 "$p/supercell.xsf" 7 > /dev/null
(cd "$p" && "$bin/predict" predict.in --threads 1 supercell.xsf > serial-big.out \
   && "$bin/predict" predict.in --threads 1 $files supercell.xsf $files --errors --errors-csv serial-mixed.csv > serial-mixed.out)
for n in 2 3; do
  (cd "$p" && run_mpi $n "$mpibin/predict" predict.in supercell.xsf > mpi-big.out \
     && run_mpi $n "$mpibin/predict" predict.in $files supercell.xsf $files --errors --errors-csv mpi-mixed.csv > mpi-mixed.out) \
    && [ "$(grep -c . "$p/mpi-big.out")" -gt 4608 ] \
    && diff <(nodates "$p/serial-big.out") <(nodates "$p/mpi-big.out") > /dev/null \
    && diff <(nodates "$p/serial-mixed.out") <(nodates "$p/mpi-mixed.out") > /dev/null \
    && cmp -s "$p/serial-mixed.csv" "$p/mpi-mixed.csv" \
    && pass "predict -np $n: a 4608-atom structure split over ranks (alone and among 96 others): stdout identical to serial" \
    || fail "predict -np $n: the 4608-atom structure differs from serial"
done

if [ $fails -gt 0 ]; then echo "test-mpi: $fails failure(s)"; exit 1; fi
echo "test-mpi: all passed"
