#!/usr/bin/env python3
"""Writes a rutile TiO2 supercell of about N atoms as XSF (atoms displaced at random by up to
0.1 Angstrom, seeded, so that forces do not vanish).  usage: make-supercell.py N OUT.xsf [SEED]"""
import random, sys

a, c, u = 4.594, 2.959, 0.305
basis = [("Ti", 0, 0, 0), ("Ti", .5, .5, .5), ("O", u, u, 0), ("O", 1 - u, 1 - u, 0),
         ("O", .5 + u, .5 - u, .5), ("O", .5 - u, .5 + u, .5)]

def main():
    n = int(sys.argv[1]); out = sys.argv[2]; rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    # k x k x m cells, m chosen so that the supercell is roughly cubic
    k = 1
    while 6 * k * k * max(1, round(k * a / c)) < n:
        k += 1
    m = max(1, round(k * a / c))
    lines = ["CRYSTAL", "PRIMVEC", f"{k * a:.10f} 0.0 0.0", f"0.0 {k * a:.10f} 0.0", f"0.0 0.0 {m * c:.10f}",
             "PRIMCOORD", f"{6 * k * k * m} 1"]
    for i in range(k):
        for j in range(k):
            for l in range(m):
                for sp, x, y, z in basis:
                    d = [rng.uniform(-0.1, 0.1) for _ in range(3)]
                    lines.append(f"{sp} {(i + x) * a + d[0]:.8f} {(j + y) * a + d[1]:.8f} {(l + z) * c + d[2]:.8f}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(6 * k * k * m)

main()
