#!/usr/bin/env python3
"""Seeded mutation fuzzing of aenet-swift's readers and tools (issue 14).

Usage: scripts/fuzz.py CASES [SEED] [--bin DIR] [--keep DIR]

Builds a pristine workspace from reference-inputs/ (generate, a short train run: a training set,
its .scaled, .nn files, train.restart), then for each case copies it, mutates ONE input of one
kind and runs the tool that reads it. Outcomes:
  clean     non-zero exit with an 'error:' line on stderr
  success   exit 0 and no NaN/inf in stdout or in the files written
  crash     killed by a signal (trap, segfault, abort) or a non-zero exit without 'error:'
  hang      did not finish within the time limit
  longrun   a train deck that asks for > 1000 epochs, still running at the time limit (not a fault)
  garbage   exit 0 with NaN/inf in stdout or in a written .nn/.restart/.train file
  leftover  a '.<name>.tmp-<pid>' file left behind
  lostwork  train failed and an existing .nn file changed
Prints counts by input kind; exit status 1 when any case is crash/hang/garbage/leftover/lostwork.
"""
import os, random, re, shutil, signal, struct, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BAD = ("crash", "hang", "garbage", "leftover", "lostwork")
TIMEOUT = 30

def run(bindir, tool, args, cwd, timeout=TIMEOUT):
    """(status, stdout, stderr); status None when the time limit was hit (the tool then gets
    SIGTERM, as a user's Ctrl-C or a batch system would send, and SIGKILL 5 s later)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    with tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e:
        p = subprocess.Popen([os.path.join(bindir, tool)] + args, cwd=cwd, stdout=o, stderr=e,
                             env=env, stdin=subprocess.DEVNULL)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGTERM)
            try: p.wait(timeout=5)
            except subprocess.TimeoutExpired: p.kill(); p.wait()
            rc = None
        o.seek(0); e.seek(0)
        return rc, o.read().decode("utf-8", "replace"), e.read().decode("utf-8", "replace")

def make_pristine(bindir, where):
    shutil.copytree(os.path.join(ROOT, "reference-inputs"), where)
    deck = open(os.path.join(where, "train.in")).read()
    deck = re.sub(r"ITERATIONS\s+\d+", "ITERATIONS 3", deck)
    deck = re.sub(r"\s+10:tanh 10:tanh", " 4:tanh 4:tanh", deck).replace("  2  ", "  2  ")
    open(os.path.join(where, "train.in"), "w").write(deck)
    for tool, args in (("generate", ["generate.in"]), ("train", ["train.in"])):
        rc, out, err = run(bindir, tool, args, where, 600)
        if rc != 0:
            sys.exit("fuzz: setting up the workspace failed (%s): %s" % (tool, err))
    for f in os.listdir(where):
        if re.search(r"\.nn-\d+$", f): os.unlink(os.path.join(where, f))

NUMBERS = ["1e999", "-1e999", "nan", "inf", "0", "-1", "-0.03", "1e300", "1e-300", "2147483648",
           "99999999999999999999", "-2147483649", "3.5", "1000000", "1e6", "0.0001", "", "x", "1d999"]

def mutate_text(text, rng):
    lines = text.split("\n")
    op = rng.randrange(7)
    if op <= 2:   # replace a number token
        spots = [(i, m) for i, l in enumerate(lines) for m in re.finditer(r"[-+]?\d+\.?\d*([eEdD][-+]?\d+)?", l)]
        if spots:
            i, m = rng.choice(spots)
            lines[i] = lines[i][:m.start()] + rng.choice(NUMBERS) + lines[i][m.end():]
            return "\n".join(lines)
    if op == 3 and lines:
        del lines[rng.randrange(len(lines))]
    elif op == 4 and lines:
        k = rng.randrange(len(lines)); lines.insert(k, lines[k])
    elif op == 5:
        return text[:rng.randrange(len(text) + 1)]
    else:
        words = [(i, m) for i, l in enumerate(lines) for m in re.finditer(r"\S+", l)]
        if words:
            i, m = rng.choice(words)
            lines[i] = lines[i][:m.start()] + rng.choice(["a", "Ti", "O", "-1", "0", "", "/", "x" * 300, "1e999", "nan"]) + lines[i][m.end():]
    return "\n".join(lines)

def mutate_binary(b, rng):
    b = bytearray(b)
    op = rng.randrange(5)
    if not b: return bytes(b)
    if op == 0:
        for _ in range(rng.randint(1, 4)): b[rng.randrange(len(b))] = rng.randrange(256)
    elif op == 1 and len(b) >= 4:
        k = rng.randrange(0, len(b) - 3)
        b[k:k + 4] = struct.pack("<i", rng.choice([0, -1, 1, 2, 3, 2147483647, -2147483648, 1000000, 100, 5]))
    elif op == 2 and len(b) >= 8:
        k = rng.randrange(0, len(b) - 7)
        b[k:k + 8] = struct.pack("<d", rng.choice([float("nan"), float("inf"), -float("inf"), 1e300, 0.0, -1.0, 1e6]))
    elif op == 3:
        b = b[:rng.randrange(len(b))]
    else:
        k = rng.randrange(len(b)); n = rng.randint(1, 64); b[k:k] = b[k:k + n]
    return bytes(b)

def nonfinite_in_binary(path):
    """NaN/inf doubles at 8-byte steps of Fortran record payloads."""
    try: b = open(path, "rb").read()
    except OSError: return False
    k = 0
    while k + 4 <= len(b):
        n = struct.unpack_from("<i", b, k)[0]
        if n < 0 or k + 8 + n > len(b): return False
        for j in range(k + 4, k + 4 + n - 7, 8):
            x = struct.unpack_from("<d", b, j)[0]
            if x != x or x in (float("inf"), -float("inf")):
                if n % 8 == 0: return True
        k += 8 + n
    return False

def snapshot(d):
    return {f: os.stat(os.path.join(d, f)).st_mtime_ns for f in os.listdir(d)}

def nn_bytes(d):
    return {f: open(os.path.join(d, f), "rb").read() for f in ("Ti.nn", "O.nn") if os.path.exists(os.path.join(d, f))}

KINDS = ["xsf", "stp", "generate-deck", "train-deck", "trainingset", "scaled", "nn", "restart",
         "predict-deck", "augment-options", "filenames"]

def case(kind, rng, d):
    """Mutates the workspace d; returns (tool, args, protect_nn)."""
    def mut_text(name):
        p = os.path.join(d, name); t = open(p).read(); os.unlink(p); open(p, "w").write(mutate_text(t, rng))
    def mut_bin(name):
        p = os.path.join(d, name); t = open(p, "rb").read(); os.unlink(p); open(p, "wb").write(mutate_binary(t, rng))
    os.unlink(os.path.join(d, "reference.train.scaled")) if kind == "trainingset" else None
    if kind in ("xsf", "stp", "generate-deck", "filenames", "augment-options"):
        os.unlink(os.path.join(d, "reference.train"))
    if kind == "xsf":
        mut_text("structures/%s" % rng.choice(sorted(os.listdir(os.path.join(d, "structures")))))
        return "generate", ["generate.in"], False
    if kind == "stp":
        mut_text(rng.choice(["Ti.stp", "O.stp"])); return "generate", ["generate.in"], False
    if kind == "generate-deck":
        mut_text("generate.in"); return "generate", ["generate.in"], False
    if kind == "train-deck":
        mut_text("train.in"); return "train", ["train.in"], True
    if kind == "trainingset":
        mut_bin("reference.train"); return "train", ["train.in"], True
    if kind == "scaled":
        mut_bin("reference.train.scaled"); return "train", ["train.in"], True
    if kind == "nn":
        mut_bin(rng.choice(["Ti.nn", "O.nn"]))
        return (rng.choice(["predict", "train"]), None, False)
    if kind == "restart":
        mut_bin("train.restart"); return "train", ["train.in"], True
    if kind == "predict-deck":
        mut_text("predict.in"); return "predict", ["predict.in"], False
    if kind == "augment-options":
        opts = {"--delta": ["0.03", "-0.03", "0", "1e999", "nan", "x", "1e-300", "5"],
                "--factor": ["0.5", "0", "-1", "1e999", "1e300", "3", "nan", "2147483648"],
                "--structures": ["aug", "a", "structures", "", "/nonexistent/x"],
                "--output": ["new.in", "n", "generate.in", "", "aug"]}
        args = ["generate.in"]
        for k, vs in opts.items():
            if rng.random() < 0.9: args += [k, rng.choice(vs)]
        if rng.random() < 0.2: args += ["--seed", rng.choice(["1", "-5", "1e999", "x"])]
        if rng.random() < 0.2: args += ["--threads", rng.choice(["0", "-1", "99999999999", "2"])]
        return "augment", args, False
    if kind == "filenames":   # one-character and odd output/network names
        name = rng.choice(["a", "b", ".", "..", "x/", "/", "-", "é", "a b"])
        which = rng.randrange(3)
        if which == 0:
            t = open(os.path.join(d, "generate.in")).read().replace("OUTPUT reference.train", "OUTPUT " + name)
            open(os.path.join(d, "generate.in"), "w").write(t); return "generate", ["generate.in"], False
        if which == 1:
            t = open(os.path.join(d, "train.in")).read()
            t = t.replace("Ti.nn", name if rng.random() < 0.5 else "O.nn")
            open(os.path.join(d, "train.in"), "w").write(t); return "train", ["train.in"], True
        t = open(os.path.join(d, "predict.in")).read().replace("Ti.nn", name)
        open(os.path.join(d, "predict.in"), "w").write(t); return "predict", ["predict.in"], False
    raise ValueError(kind)

def requested_long_run(d, tool):
    """True when the (mutated) train deck itself asks for more than 1000 epochs."""
    if tool != "train": return False
    try: m = re.search(r"(?im)^\s*ITERATIONS\s+(\d+)", open(os.path.join(d, "train.in")).read())
    except OSError: return False
    return bool(m) and int(m.group(1)) > 1000

def classify(rc, out, err, d, before, nn_before, protect, tool):
    leftovers = [f for root, ds, fs in os.walk(d) for f in fs + ds if re.match(r"^\..*\.tmp-\d+$", f)]
    if rc is None: return "longrun" if requested_long_run(d, tool) and not leftovers else "hang"
    if leftovers: return "leftover"
    if rc < 0: return "crash"
    if rc != 0:
        if protect and nn_bytes(d) != nn_before: return "lostwork"
        return "clean" if "error:" in err.lower() else "crash"
    # NaN/inf printed as a number; the same word echoed from a mutated input (a DESCR text, an
    # OUTPUT name) is not garbage: count only occurrences beyond those in the text inputs.
    pat = re.compile(r"\b(NaN|nan|Infinity|-?inf)\b")
    echoed = 0
    for root, ds, fs in os.walk(d):
        for f in fs:
            if f.endswith((".in", ".stp", ".xsf")):
                try: echoed += len(pat.findall(open(os.path.join(root, f), errors="replace").read()))
                except OSError: pass
    if len(pat.findall(out)) > echoed: return "garbage"
    after = snapshot(d)
    for f, t in after.items():
        if before.get(f) != t and (f.endswith(".nn") or f.endswith(".train") or f.endswith(".restart") or f.endswith(".scaled")):
            if nonfinite_in_binary(os.path.join(d, f)): return "garbage"
    return "success"

def main():
    args = sys.argv[1:]
    bindir = os.path.join(ROOT, ".build", "release"); keep = None
    if "--bin" in args: i = args.index("--bin"); bindir = args[i + 1]; del args[i:i + 2]
    if "--keep" in args: i = args.index("--keep"); keep = args[i + 1]; del args[i:i + 2]
    n = int(args[0]) if args else 200
    seed = int(args[1]) if len(args) > 1 else 1
    rng = random.Random(seed)
    base = tempfile.mkdtemp(prefix="aenet-fuzz-")
    pristine = os.path.join(base, "pristine")
    make_pristine(bindir, pristine)
    counts = {k: {} for k in KINDS}
    bad_examples = []
    t0 = time.time()
    for c in range(n):
        kind = KINDS[c % len(KINDS)]
        d = os.path.join(base, "case")
        shutil.copytree(pristine, d)
        tool, targs, protect = case(kind, rng, d)
        if targs is None: targs = ["predict.in"] if tool == "predict" else ["train.in"]
        if tool == "train" and kind == "nn": protect = False
        before = snapshot(d); nn_before = nn_bytes(d)
        rc, out, err = run(bindir, tool, targs, d)
        outcome = classify(rc, out, err, d, before, nn_before, protect, tool)
        counts[kind][outcome] = counts[kind].get(outcome, 0) + 1
        if outcome in BAD:
            bad_examples.append((c, kind, tool, outcome, rc, err.strip().splitlines()[-1:] if err else ""))
            if keep:
                dest = os.path.join(keep, "case-%05d-%s-%s" % (c, kind, outcome))
                shutil.copytree(d, dest, symlinks=True)
                open(os.path.join(dest, "CASE.txt"), "w").write("%s %s\nrc %s\n--- stderr\n%s" % (tool, " ".join(targs), rc, err))
        shutil.rmtree(d, ignore_errors=True)
    shutil.rmtree(base, ignore_errors=True)
    outcomes = ["clean", "success", "longrun"] + list(BAD)
    print("fuzz: %d cases, seed %d, %.0f s" % (n, seed, time.time() - t0))
    print("%-16s" % "kind" + "".join("%9s" % o for o in outcomes))
    tot = {o: 0 for o in outcomes}
    for k in KINDS:
        print("%-16s" % k + "".join("%9d" % counts[k].get(o, 0) for o in outcomes))
        for o in outcomes: tot[o] += counts[k].get(o, 0)
    print("%-16s" % "total" + "".join("%9d" % tot[o] for o in outcomes))
    for ex in bad_examples[:40]: print("BAD case %d kind %s tool %s: %s (rc %s) %s" % ex)
    sys.exit(1 if any(tot[o] for o in BAD) else 0)

if __name__ == "__main__":
    main()
