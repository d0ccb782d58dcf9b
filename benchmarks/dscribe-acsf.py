#!/usr/bin/env python3
"""DScribe's ACSF (C++ core, one thread) computing the functions of an aenet Behler2011 setup.

usage: dscribe-acsf.py STP_DIR FILE_LIST
Reads the G=2 and G=4 lines of STP_DIR/Ti.stp (both species use the same parameters in the
benchmark setup), builds ACSF(species=[Ti, O], r_cut, g2_params, g4_params) -- G1 per species is
always added by DScribe -- and prints the feature count, atoms, and the CPU time of create() alone
(reading the XSF files with ASE is not timed)."""
import re, sys, time
import ase.io
from dscribe.descriptors import ACSF


def params(stp):
    g2, g4, rc = [], [], None
    for line in open(stp):
        f = re.sub(r"\s*=\s*", "=", line).split()
        if not f or not f[0].startswith("G="):
            continue
        kv = dict(x.split("=", 1) for x in f if "=" in x)
        rc = float(kv["Rc"])
        if kv["G"] == "2":
            p = [float(kv["eta"]), float(kv["Rs"])]
            if p not in g2: g2.append(p)
        elif kv["G"] == "4":
            p = [float(kv["eta"]), float(kv["zeta"]), float(kv["lambda"])]
            if p not in g4: g4.append(p)
    return g2, g4, rc


def main():
    g2, g4, rc = params(sys.argv[1] + "/Ti.stp")
    files = [l.strip() for l in open(sys.argv[2]) if l.strip()]
    structures = [ase.io.read(f, format="xsf") for f in files]
    acsf = ACSF(species=["Ti", "O"], r_cut=rc, g2_params=g2, g4_params=g4, periodic=True)
    atoms = sum(len(s) for s in structures)
    c0, w0 = time.process_time(), time.perf_counter()
    out = acsf.create(structures, n_jobs=1)
    c1, w1 = time.process_time(), time.perf_counter()
    print(f"dscribe {getattr(sys.modules['dscribe'], '__version__', '')}: {len(structures)} structures, {atoms} atoms, "
          f"{acsf.get_number_of_features()} features per atom, create(): cpu {c1 - c0:.3f} s, wall {w1 - w0:.3f} s, "
          f"{atoms / (c1 - c0):.0f} atoms/s (cpu)")


main()
