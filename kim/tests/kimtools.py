#!/usr/bin/env python3
"""Helpers for the KIM driver tests (standard library only).

  kimtools.py lammps XSF SPECIES... --data FILE --xsf FILE
      Writes a LAMMPS data file (restricted triclinic box, atoms wrapped into the cell) and an
      XSF of exactly the same coordinates (LAMMPS's frame), so our predict and LAMMPS see the
      same structure. Clusters (ATOMS) get a non-periodic box with 12 Å of vacuum.
  kimtools.py predict-out FILE
      Prints "energy E" and the forces "fx fy fz" lines of the one structure in predict's output.
  kimtools.py dump FILE
      Prints the forces of the last snapshot of a LAMMPS "dump custom ... id fx fy fz", by id.
"""
import math
import re
import sys


def read_xsf(path):
    lines = [l.split('#')[0].strip() for l in open(path)]
    lines = [l for l in lines if l]
    cell, atoms, periodic = None, [], False
    i = 0
    while i < len(lines):
        key = lines[i].upper()
        if key == 'PRIMVEC':
            cell = [[float(x) for x in lines[i + k].split()[:3]] for k in (1, 2, 3)]
            i += 4
            continue
        if key == 'CRYSTAL':
            periodic = True
        if key == 'PRIMCOORD':
            n = int(lines[i + 1].split()[0])
            for k in range(n):
                w = lines[i + 2 + k].split()
                atoms.append((w[0], [float(x) for x in w[1:4]]))
            i += 2 + n
            continue
        if key == 'ATOMS':
            i += 1
            while i < len(lines) and re.match(r'^[A-Za-z]', lines[i]) and lines[i].split()[0].upper() not in (
                    'CRYSTAL', 'PRIMVEC', 'PRIMCOORD', 'CONVVEC'):
                w = lines[i].split()
                atoms.append((w[0], [float(x) for x in w[1:4]]))
                i += 1
            continue
        i += 1
    return periodic, cell, atoms


def dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def solve_fractional(cell, r):
    # r = f0*a + f1*b + f2*c  (Cramer's rule)
    a, b, c = cell
    def det(u, v, w):
        return (u[0] * (v[1] * w[2] - v[2] * w[1]) - u[1] * (v[0] * w[2] - v[2] * w[0])
                + u[2] * (v[0] * w[1] - v[1] * w[0]))
    d = det(a, b, c)
    return [det(r, b, c) / d, det(a, r, c) / d, det(a, b, r) / d]


def lammps(args):
    path, species = args[0], []
    data_out = xsf_out = None
    k = 1
    while k < len(args):
        if args[k] == '--data':
            data_out = args[k + 1]; k += 2
        elif args[k] == '--xsf':
            xsf_out = args[k + 1]; k += 2
        else:
            species.append(args[k]); k += 1
    periodic, cell, atoms = read_xsf(path)
    types = {s: i + 1 for i, s in enumerate(species)}
    masses = {'Ti': 47.867, 'O': 15.999}
    for s, _ in atoms:
        if s not in types:
            sys.exit('%s: species %s not in %s' % (path, s, species))
    if periodic:
        a, b, c = cell
        la = math.sqrt(dot(a, a))
        ax = la
        bx = dot(b, a) / la
        by = math.sqrt(dot(b, b) - bx * bx)
        cx = dot(c, a) / la
        cy = (dot(b, c) - bx * cx) / by
        cz2 = dot(c, c) - cx * cx - cy * cy
        cz = math.sqrt(cz2)
        new = [[ax, 0.0, 0.0], [bx, by, 0.0], [cx, cy, cz]]
        fr = [solve_fractional(cell, r) for _, r in atoms]
        # right-handed cells only (LAMMPS cannot represent a left-handed one)
        det = (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
               + a[2] * (b[0] * c[1] - b[1] * c[0]))
        if det <= 0:
            sys.exit('%s: left-handed cell' % path)
        # tilt limits of LAMMPS: reduce b and c by lattice vectors (same lattice)
        def sub(u, v, m):
            return [u[0] - m * v[0], u[1] - m * v[1], u[2] - m * v[2]]
        A, B, C = new
        m = round(C[1] / B[1]); C = sub(C, B, m)
        m = round(C[0] / A[0]); C = sub(C, A, m)
        m = round(B[0] / A[0]); B = sub(B, A, m)
        cart = []
        for (s, _), f in zip(atoms, fr):
            f = [x - math.floor(x) for x in f]
            f = [0.0 if x >= 1.0 else x for x in f]
            r = [f[0] * new[0][j] + f[1] * new[1][j] + f[2] * new[2][j] for j in range(3)]
            cart.append((s, r))
        # wrap into the reduced box as well (fractional coordinates of the reduced cell)
        red = [A, B, C]
        cart2 = []
        for s, r in cart:
            f = solve_fractional(red, r)
            f = [x - math.floor(x) for x in f]
            f = [0.0 if x >= 1.0 else x for x in f]
            cart2.append((s, [f[0] * red[0][j] + f[1] * red[1][j] + f[2] * red[2][j] for j in range(3)]))
        cart, new = cart2, red
        box = (0.0, new[0][0], 0.0, new[1][1], 0.0, new[2][2], new[1][0], new[2][0], new[2][1])
    else:
        cart = atoms
        lo = [min(r[j] for _, r in atoms) - 12.0 for j in range(3)]
        hi = [max(r[j] for _, r in atoms) + 12.0 for j in range(3)]
        box = (lo[0], hi[0], lo[1], hi[1], lo[2], hi[2], None, None, None)
    with open(data_out, 'w') as out:
        out.write('LAMMPS data from %s (%s)\n\n%d atoms\n%d atom types\n\n' % (
            path, 'periodic' if periodic else 'cluster', len(cart), len(species)))
        out.write('%r %r xlo xhi\n%r %r ylo yhi\n%r %r zlo zhi\n' % box[:6])
        if periodic:
            out.write('%r %r %r xy xz yz\n' % box[6:])
        out.write('\nMasses\n\n')
        for s in species:
            out.write('%d %r\n' % (types[s], masses.get(s, 1.0)))
        out.write('\nAtoms # atomic\n\n')
        for i, (s, r) in enumerate(cart):
            out.write('%d %d %r %r %r\n' % (i + 1, types[s], r[0], r[1], r[2]))
    with open(xsf_out, 'w') as out:
        if periodic:
            out.write('CRYSTAL\nPRIMVEC\n')
            for v in new:
                out.write('%r %r %r\n' % tuple(v))
            out.write('PRIMCOORD\n%d 1\n' % len(cart))
        else:
            out.write('ATOMS\n')
        for s, r in cart:
            out.write('%s %r %r %r\n' % (s, r[0], r[1], r[2]))
    print('periodic' if periodic else 'cluster')


def predict_out(path):
    lines = open(path).read().splitlines()
    energies = [l for l in lines if l.strip().startswith('Total energy')]
    if len(energies) != 1:
        sys.exit('%s: expected one structure, found %d total energies' % (path, len(energies)))
    print('energy', energies[0].split(':')[1].split()[0])
    header = max(i for i, l in enumerate(lines) if 'Fx' in l and 'Fy' in l and 'Fz' in l)
    for l in lines[header + 3:]:
        w = l.split()
        if len(w) != 7:
            break
        print(w[4], w[5], w[6])


def dump(path):
    lines = open(path).read().splitlines()
    start = max(i for i, l in enumerate(lines) if l.startswith('ITEM: ATOMS'))
    rows = []
    for l in lines[start + 1:]:
        if l.startswith('ITEM'):
            break
        w = l.split()
        rows.append((int(w[0]), w[1:4]))
    for _, f in sorted(rows):
        print(' '.join(f))


if __name__ == '__main__':
    cmd = sys.argv[1]
    {'lammps': lammps, 'predict-out': lambda a: predict_out(a[0]), 'dump': lambda a: dump(a[0])}[cmd](sys.argv[2:])
