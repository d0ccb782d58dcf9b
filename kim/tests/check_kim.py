#!/usr/bin/env python3
"""Proofs of the aenet KIM model driver with stock LAMMPS (and ASE through kimpy).

Run by scripts/test-kim.sh, which builds the tools, trains a potential on reference-inputs,
installs the driver and the model into a private KIM collection and then calls

  check_kim.py --bin BIN --work DIR --model NAME [--ase-python PY]

Every check prints one PASS/FAIL/SKIP line with the measured numbers; the last line is
"kim: N passed, N failed, N skipped" and the exit status is 1 when a check failed.
"""
import argparse
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kimtools  # noqa: E402

# LAMMPS metal units convert eV/A^3 to bar with nktv2p = 1.6021765e6 (not CODATA 2018 1.602176634e6)
EV_PER_A3_IN_BAR = 1.6021765e6
RESULTS = {'passed': 0, 'failed': 0, 'skipped': 0}


def report(status, name, detail):
    RESULTS[{'PASS': 'passed', 'FAIL': 'failed', 'SKIP': 'skipped'}[status]] += 1
    print('%s %s: %s' % (status, name, detail), flush=True)


def check(name, ok, detail):
    report('PASS' if ok else 'FAIL', name, detail)
    return ok


class Lammps:
    def __init__(self, work, model):
        self.work, self.model = work, model
        root = os.geteuid() == 0
        self.mpirun = ['mpirun'] + (['--allow-run-as-root'] if root else []) + ['--oversubscribe']

    def run(self, name, script, ranks=1, env=None, expect_ok=True):
        """Runs lmp on `script` in work/name; returns (returncode, stdout+stderr text)."""
        folder = os.path.join(self.work, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, 'in.lmp'), 'w') as f:
            f.write(script)
        cmd = ['lmp', '-in', 'in.lmp', '-log', 'log.lammps']
        if ranks > 1:
            cmd = self.mpirun + ['-np', str(ranks)] + cmd
        full_env = dict(os.environ)
        full_env.update(env or {})
        full_env.setdefault('OMP_NUM_THREADS', '1')
        p = subprocess.run(cmd, cwd=folder, env=full_env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=900)
        if expect_ok and p.returncode != 0:
            raise RuntimeError('lmp failed in %s (exit %d):\n%s' % (folder, p.returncode, p.stdout[-3000:]))
        return p.returncode, p.stdout

    @staticmethod
    def tables(text):
        """Last row of every thermo table (one per run), as lists of floats."""
        rows, last, inside = [], None, False
        for line in text.splitlines():
            w = line.split()
            if w and w[0] == 'Step':
                inside, last = True, None
                continue
            if inside:
                try:
                    last = [float(x) for x in w]
                    if not w:
                        raise ValueError
                except ValueError:
                    inside = False
                    if last is not None:
                        rows.append(last)
        return rows

    @staticmethod
    def results(text):
        """Values of lines 'RESULT key v1 v2 ...'."""
        out = {}
        for line in text.splitlines():
            if line.startswith('RESULT '):
                w = line.split()
                out[w[1]] = [float(x) for x in w[2:]]
        return out


def header(model, data, boundary='p p p', species='Ti O'):
    return ('kim init %s metal\nboundary %s\nread_data %s\nkim interactions %s\n'
            'thermo_style custom step pe press\n' % (model, boundary, data, species))


# thermo columns: step pe pxx pyy pzz pxy pxz pyz vol (+ extra)
THERMO = 'thermo_style custom step pe pxx pyy pzz pxy pxz pyz vol %s\nthermo_modify format float %%.17g\n'


def state(row):
    return {'pe': row[1], 'press': row[2:8], 'vol': row[8], 'extra': row[9:]}


def read_forces(path):
    rows = []
    with open(path) as f:
        lines = f.read().splitlines()
    start = max(i for i, l in enumerate(lines) if l.startswith('ITEM: ATOMS'))
    for l in lines[start + 1:]:
        if l.startswith('ITEM'):
            break
        w = l.split()
        rows.append((int(w[0]), [float(x) for x in w[1:4]]))
    return [f for _, f in sorted(rows)]


def predict(bin_dir, work, xsf_files, stress=False):
    """Our predict's total energy and forces (and with stress=True its stress tensor in
    eV/A^3, order xx yy zz yz xz xy) for each XSF (one predict run per file)."""
    out = []
    for xsf in xsf_files:
        deck = os.path.join(work, 'predict-kim.in')
        with open(deck, 'w') as f:
            f.write('TYPES\n2\nTi\nO\n\nNETWORKS\n  Ti %s\n  O  %s\n\nFORCES\n\nFILES\n1\n%s\n' % (
                os.path.join(work, 'Ti.nn'), os.path.join(work, 'O.nn'), xsf))
        p = subprocess.run([os.path.join(bin_dir, 'predict'), deck] + (['--stress'] if stress else []), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env=dict(os.environ, OPENBLAS_NUM_THREADS='1'))
        if p.returncode != 0:
            raise RuntimeError('predict failed on %s: %s' % (xsf, p.stderr))
        lines = p.stdout.splitlines()
        energy = float([l for l in lines if l.strip().startswith('Total energy')][0].split(':')[1].split()[0])
        hdr = max(i for i, l in enumerate(lines) if 'Fx' in l and 'Fy' in l and 'Fz' in l)
        forces = []
        for l in lines[hdr + 3:]:
            w = l.split()
            if len(w) != 7:
                break
            forces.append([float(x) for x in w[4:7]])
        if stress:
            line = [l for l in lines if l.strip().startswith('Stress (eV/Ang^3)')]
            out.append((energy, forces, [float(x) for x in line[0].split(':')[1].split()] if line else None))
        else:
            out.append((energy, forces))
    return out


def max_force_diff(a, b):
    if len(a) != len(b):
        return float('inf')
    return max(abs(x - y) for fa, fb in zip(a, b) for x, y in zip(fa, fb))


def structures(ref):
    names = ['periodic-01', 'periodic-17', 'periodic-24', 'periodic-33', 'periodic-40', 'cluster-05']
    return [(n, os.path.join(ref, 'structures', n + '.xsf')) for n in names]


def data_file(args, name):
    """LAMMPS data file and the XSF of the same coordinates for a reference structure."""
    folder = os.path.join(args.work, 'run0')
    os.makedirs(folder, exist_ok=True)
    data = os.path.join(folder, name + '.data')
    rot = os.path.join(folder, name + '-lammps-frame.xsf')
    xsf = os.path.join(args.reference, 'structures', name + '.xsf')
    kind = subprocess.run([sys.executable, os.path.join(HERE, 'kimtools.py'), 'lammps', xsf, 'Ti', 'O',
                           '--data', data, '--xsf', rot], stdout=subprocess.PIPE, text=True,
                          check=True).stdout.strip()
    return data, rot, kind


# ---------------------------------------------------------------------------------- checks --

def check_run0(args, lmp):
    """run 0 energy and forces against our predict, per structure; per-atom sums."""
    folder = os.path.join(args.work, 'run0')
    os.makedirs(folder, exist_ok=True)
    worst_e, worst_f, worst_p = 0.0, 0.0, 0.0
    ok = True
    details = []
    for name, xsf in structures(args.reference):
        data, rot, kind = data_file(args, name)
        (e_ref, f_ref, s_ref), = predict(args.bin, args.work, [rot], stress=True)
        script = header(args.model, data, 'p p p' if kind == 'periodic' else 'f f f')
        script += ('compute pea all pe/atom\ncompute sa all stress/atom NULL virial\n'
                   'compute pes all reduce sum c_pea\ncompute ss all reduce sum c_sa[1] c_sa[2] c_sa[3] c_sa[4] c_sa[5] c_sa[6]\n'
                   + THERMO % 'c_pes c_ss[1] c_ss[2] c_ss[3] c_ss[4] c_ss[5] c_ss[6]' +
                   'run 0\n'
                   'write_dump all custom forces.dump id fx fy fz modify format float %.17g\n')
        _, text = lmp.run(os.path.join('run0', name), script)
        r = state(Lammps.tables(text)[-1])
        e = r['pe']
        f = read_forces(os.path.join(folder, name, 'forces.dump'))
        rel = abs(e - e_ref) / abs(e_ref)
        df = max_force_diff(f, f_ref)
        worst_e, worst_f = max(worst_e, rel), max(worst_f, df)
        # per-atom energies and per-atom virials (partialParticleEnergy / partialParticleVirial)
        pe_sum = r['extra'][0]
        vol = r['vol']
        # sum of stress/atom (bar*A^3) = -P*V for zero velocities
        p = r['press']
        ss = r['extra'][1:]
        if kind == 'periodic':
            pairs = [(ss[0], -p[0] * vol), (ss[1], -p[1] * vol), (ss[2], -p[2] * vol),
                     (ss[3], -p[3] * vol), (ss[4], -p[4] * vol), (ss[5], -p[5] * vol)]
            scale = max(abs(b) for _, b in pairs) or 1.0
            virial_dev = max(abs(a - b) for a, b in pairs) / scale
        else:
            virial_dev = 0.0
        atom_e_dev = abs(pe_sum - e) / abs(e)
        # pressure against predict --stress (the library's stress; printed with 8 decimals in
        # eV/A^3 = 0.016 bar). LAMMPS order xx yy zz xy xz yz, predict's xx yy zz yz xz xy.
        press_dev = 0.0
        if kind == 'periodic':
            if s_ref is None:
                press_dev = float('inf')
            else:
                lib = [-x * EV_PER_A3_IN_BAR for x in (s_ref[0], s_ref[1], s_ref[2], s_ref[5], s_ref[4], s_ref[3])]
                press_dev = max(abs(a - b) for a, b in zip(p, lib))
                worst_p = max(worst_p, press_dev)
        this_ok = (rel <= 1e-8 and df <= 2e-6 and atom_e_dev <= 1e-12 and virial_dev <= 1e-9
                   and press_dev <= 0.02 + 1e-9 * max(map(abs, p)))
        ok = ok and this_ok
        details.append('%s(%d atoms) dE/E=%.1e dF=%.1e' % (name, len(f), rel, df))
        if not this_ok:
            details.append('[%s: E lammps %.10f predict %.10f; sum pe/atom dev %.1e; sum stress/atom dev %.1e; '
                           'pressure vs predict --stress %.3g bar]' % (name, e, e_ref, atom_e_dev, virial_dev, press_dev))
    check('lammps run 0 = predict', ok,
          'max relative energy difference %.2e (limit 1e-8), max force difference %.2e eV/A (limit 2e-6, '
          'predict prints 6 decimals); pressure tensor vs predict --stress (library stress) max difference '
          '%.3f bar (limit 0.02 bar: 8 printed decimals in eV/A^3); per-atom energy and virial sums match the '
          'totals; %s' % (worst_e, worst_f, worst_p, '; '.join(details)))


def supercell_script(args, name, replicate):
    data, _, _ = data_file(args, name)
    return header(args.model, data) + 'replicate %s\n' % replicate


def check_mpi(args, lmp):
    """1 rank vs 2 ranks: energy, forces, pressure after run 0 and after 20 NVE steps."""
    base = supercell_script(args, 'periodic-17', '4 4 6')
    script = (base + 'velocity all create 300 4928459 mom yes rot no dist gaussian\n'
              + THERMO % '' + 'run 0\n'
              'write_dump all custom forces0.dump id fx fy fz modify format float %.17g\n'
              'fix nve all nve\ntimestep 0.001\nrun 20\n'
              'write_dump all custom forces20.dump id fx fy fz modify format float %.17g\n')
    res = {}
    for ranks in (1, 2):
        _, text = lmp.run('mpi-%d' % ranks, script, ranks=ranks)
        t = Lammps.tables(text)
        r = {'a': state(t[0]), 'b': state(t[-1])}
        f0 = read_forces(os.path.join(args.work, 'mpi-%d' % ranks, 'forces0.dump'))
        f20 = read_forces(os.path.join(args.work, 'mpi-%d' % ranks, 'forces20.dump'))
        res[ranks] = (r, f0, f20)
    (r1, a1, b1), (r2, a2, b2) = res[1], res[2]
    de0 = abs(r1['a']['pe'] - r2['a']['pe']) / abs(r1['a']['pe'])
    de20 = abs(r1['b']['pe'] - r2['b']['pe']) / abs(r1['b']['pe'])
    dp = max(abs(x - y) for x, y in zip(r1['a']['press'], r2['a']['press']))
    df0, df20 = max_force_diff(a1, a2), max_force_diff(b1, b2)
    check('mpirun -np 2 = 1 rank', de0 <= 1e-12 and df0 <= 1e-9 and dp <= 1e-6 * max(1.0, max(map(abs, r1['a']['press'])))
          and de20 <= 1e-10 and df20 <= 1e-7,
          '%d atoms: run 0 dE/E=%.1e dF=%.1e eV/A dP=%.1e bar; after 20 NVE steps dE/E=%.1e dF=%.1e' % (
              len(a1), de0, df0, dp, de20, df20))


def check_pressure(args, lmp):
    """Pressure against finite differences of the energy (strain +-1e-5), for the library's
    own virial (when it has the extension) and for the force-based virial."""
    eps = 1e-5
    base = supercell_script(args, 'periodic-17', '2 2 3') + THERMO % ''
    # strains: x' = (1+e) x etc. scale the box and the tilts carrying that component;
    # simple shear x += g*y changes xy by g*ly and xz by g*yz
    strains = [
        ('xx', 'change_box all x scale %(s)r xy final $(xy*%(s)r:%%.17g) xz final $(xz*%(s)r:%%.17g) remap\n'),
        ('yy', 'change_box all y scale %(s)r yz final $(yz*%(s)r:%%.17g) remap\n'),
        ('zz', 'change_box all z scale %(s)r remap\n'),
        ('xy', 'change_box all xy delta $(%(g)r*ly:%%.17g) xz delta $(%(g)r*yz:%%.17g) remap\n'),
    ]
    lines = [base, 'run 0\n']
    for key, tpl in strains:
        for sign in (1, -1):
            lines.append('clear\n' + base + tpl % {'s': 1.0 + sign * eps, 'g': sign * eps} + 'run 0\n')
    script = ''.join(lines)
    outcomes = {}
    for label, env in (('library', {}), ('forces', {'AENET_KIM_VIRIAL': 'forces'})):
        _, text = lmp.run('pressure-' + label, script, env=env)
        outcomes[label] = [state(row) for row in Lammps.tables(text)]
    logs = {label: open(os.path.join(args.work, 'pressure-' + label, 'kim.log')).read()
            for label in outcomes}
    source = 'library' if 'virial from the library' in logs['library'] else 'forces (library lacks the extension)'
    forced = 'virial from the forces' in logs['forces'] and 'virial from the library' not in logs['forces']
    runs = outcomes['library']
    r0, vol = runs[0], runs[0]['vol']
    fd = {}
    for k, (key, _) in enumerate(strains):
        plus, minus = runs[1 + 2 * k], runs[2 + 2 * k]
        fd[key] = -(plus['pe'] - minus['pe']) / (2 * eps) / vol * EV_PER_A3_IN_BAR
    order = {'xx': 0, 'yy': 1, 'zz': 2, 'xy': 3}
    scale = max(abs(v) for v in r0['press'][:3])
    devs = {k: abs(r0['press'][i] - fd[k]) / scale for k, i in order.items()}
    same = max(abs(a - b) for a, b in zip(outcomes['library'][0]['press'], outcomes['forces'][0]['press'])) / scale
    check('pressure = -dE/dstrain / V', max(devs.values()) <= 1e-7 and same <= 1e-9 and forced,
          'supercell of periodic-17 (triclinic): ' + ', '.join(
              'p%s %.3f bar vs finite difference %.3f bar' % (k, r0['press'][i], fd[k]) for k, i in order.items())
          + '; max deviation %.1e of |p| (virial from the %s); library virial vs force-based virial '
          '(AENET_KIM_VIRIAL=forces): %.1e of |p|' % (max(devs.values()), source, same))


def check_nve(args, lmp):
    """NVE energy conservation with a physical TiO2 potential (aenet's example potential from
    ../shared, --nve-model); the potential trained on the small reference inputs has no stable
    minimum near rutile, so it is not used for MD."""
    if not args.nve_model:
        report('SKIP', 'NVE energy conservation', 'no physical TiO2 potential (../shared/aenet-reference/'
               'tio2-chebyshev absent)')
        return
    steps, dt = args.nve_steps, 0.001
    script = ('kim init %s metal\nboundary p p p\n'
              'lattice custom 1.0 a1 4.594 0 0 a2 0 4.594 0 a3 0 0 2.959 &\n'
              '  basis 0 0 0 basis 0.5 0.5 0.5 basis 0.305 0.305 0 basis 0.695 0.695 0 &\n'
              '  basis 0.805 0.195 0.5 basis 0.195 0.805 0.5\n'
              'region box block 0 2 0 2 0 3\ncreate_box 2 box\n'
              'create_atoms 1 box basis 1 1 basis 2 1 basis 3 2 basis 4 2 basis 5 2 basis 6 2\n'
              'mass 1 47.867\nmass 2 15.999\nkim interactions Ti O\n'
              'minimize 0 1e-4 1000 10000\nreset_timestep 0\n'
              'velocity all create 600 87287 mom yes rot yes dist gaussian\n'
              'fix nve all nve\ntimestep %r\n'
              'thermo_style custom step time pe ke etotal temp atoms\nthermo_modify format float %%.12g\n'
              'thermo 10\nrun %d\n' % (args.nve_model, dt, steps))
    _, text = lmp.run('nve', script)
    rows = []
    for line in text.splitlines():
        w = line.split()
        if len(w) == 7 and re.match(r'^\d+$', w[0]):
            rows.append([float(x) for x in w])
    n = rows[0][6]
    t = [row[1] for row in rows]
    e = [row[4] for row in rows]
    temp = [row[5] for row in rows]
    tm, em = sum(t) / len(t), sum(e) / len(e)
    slope = sum((a - tm) * (b - em) for a, b in zip(t, e)) / sum((a - tm) ** 2 for a in t)
    drift = slope / n * 1000.0  # meV/atom/ps
    spread = (max(e) - min(e)) / n * 1000.0
    mean_temp = sum(temp[len(temp) // 2:]) / (len(temp) - len(temp) // 2)
    check('NVE energy conservation', abs(drift) <= 0.1 and spread <= 1.0 and 100 < mean_temp < 1000,
          'rutile, %d atoms, aenet TiO2 potential, %d steps of %g fs (%.1f ps), mean T %.0f K: drift %.4f '
          'meV/atom/ps (limit 0.1), total-energy range %.3f meV/atom' % (
              n, steps, dt * 1000, steps * dt, mean_temp, drift, spread))


def check_ase(args):
    if not args.ase_python:
        report('SKIP', 'ASE (kimpy) = predict', 'no Python with kimpy and ase (pip install failed or not available)')
        return
    xsfs = [x for _, x in structures(args.reference)]
    p = subprocess.run([args.ase_python, os.path.join(HERE, 'ase_check.py'), args.model] + xsfs,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        check('ASE (kimpy) = predict', False, 'ase_check.py failed: %s' % p.stderr[-2000:])
        return
    got = json.loads(p.stdout)
    ref = predict(args.bin, args.work, xsfs)
    worst_e = max(abs(g['energy'] - r[0]) / abs(r[0]) for g, r in zip(got, ref))
    worst_f = max(max_force_diff(g['forces'], r[1]) for g, r in zip(got, ref))
    check('ASE (kimpy) = predict', worst_e <= 1e-8 and worst_f <= 2e-6,
          '%d structures through ase.calculators.kim: max relative energy difference %.2e, max force '
          'difference %.2e eV/A' % (len(got), worst_e, worst_f))


def install_variant(args, name, edit):
    """Copies the model folder under another name, applies edit(folder), installs it."""
    src = os.path.join(args.work, 'model')
    dst = os.path.join(args.work, 'bad', name)
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    cm = os.path.join(dst, 'CMakeLists.txt')
    text = open(cm).read().replace('project(%s)' % args.model, 'project(%s)' % name)
    open(cm, 'w').write(text)
    edit(dst)
    p = subprocess.run(['kim-api-collections-management', 'install', '--force', 'user', dst],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise RuntimeError('cannot install %s: %s' % (name, p.stdout[-2000:]))


def expect_clean_failure(lmp, label, model, species, needle, args):
    data, _, _ = data_file(args, 'periodic-01')
    code, text = lmp.run(os.path.join('bad', 'run-' + label), header(model, data, species=species) + 'run 0\n',
                         expect_ok=False)
    crashed = code < 0 or code >= 128 or 'Segmentation' in text or 'signal' in text.lower()
    found = needle in text
    ok = code != 0 and not crashed and found
    msg = [l for l in text.splitlines() if needle in l or 'ERROR' in l][:3]
    check('bad input: ' + label, ok, 'exit %d, %s; %s' % (code, 'no crash' if not crashed else 'CRASHED',
                                                         ' | '.join(msg) if msg else 'no message found'))


def check_bad_input(args, lmp):
    def missing(folder):  # settings name a file that is not a parameter file
        path = os.path.join(folder, '%s.settings' % args.model)
        s = open(path).read().replace('O O.nn', 'O O-missing.nn')
        open(path, 'w').write(s)

    def truncated(folder):  # the O.nn is cut in half
        path = os.path.join(folder, 'O.nn')
        b = open(path, 'rb').read()
        open(path, 'wb').write(b[:len(b) // 2])

    def garbage(folder):  # valid record layout, nonsense content in the first record
        path = os.path.join(folder, 'O.nn')
        b = bytearray(open(path, 'rb').read())
        n = int.from_bytes(b[0:4], 'little')
        b[4:4 + n] = b'\xff' * n
        open(path, 'wb').write(bytes(b))

    def swapped(folder):  # species given the other species' potential
        path = os.path.join(folder, '%s.settings' % args.model)
        s = open(path).read().replace('Ti Ti.nn', 'Ti X').replace('O O.nn', 'O Ti.nn').replace('Ti X', 'Ti O.nn')
        open(path, 'w').write(s)

    for name, edit in (('missing', missing), ('truncated', truncated), ('garbage', garbage), ('swapped', swapped)):
        install_variant(args, 'aenet_test_bad_' + name, edit)
    expect_clean_failure(lmp, 'settings name a missing .nn', 'aenet_test_bad_missing', 'Ti O',
                         'aenet KIM driver:', args)
    expect_clean_failure(lmp, 'truncated .nn', 'aenet_test_bad_truncated', 'Ti O', 'aenet KIM driver:', args)
    expect_clean_failure(lmp, 'corrupt .nn content', 'aenet_test_bad_garbage', 'Ti O', 'aenet KIM driver:', args)
    expect_clean_failure(lmp, '.nn of another species', 'aenet_test_bad_swapped', 'Ti O', 'aenet KIM driver:', args)
    # a species the model does not have: KIM itself refuses (LAMMPS prints the error)
    expect_clean_failure(lmp, 'species not in the potential', args.model, 'Ti Zr', 'ERROR', args)


def check_kim_model_tool(args):
    """kim-model refuses bad potentials with one clear line and writes nothing."""
    tool = os.path.join(args.bin, 'kim-model')
    folder = os.path.join(args.work, 'kim-model-bad')
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    ti, o = os.path.join(args.work, 'Ti.nn'), os.path.join(args.work, 'O.nn')
    cut = os.path.join(folder, 'O-cut.nn')
    open(cut, 'wb').write(open(o, 'rb').read()[:1000])
    cases = [('truncated .nn', [ti, cut], 'O-cut.nn'),
             ('same species twice', [ti, o, o], 'species O also comes from'),
             ('a neighbour species without potential', [ti], 'no potential given for O'),
             ('bad model name', [ti, o], 'not a KIM item name')]
    results = []
    ok = True
    for label, files, needle in cases:
        name = 'bad-name' if label == 'bad model name' else 'm'
        out = os.path.join(folder, 'out-' + label.replace(' ', '_'))
        p = subprocess.run([tool, '--name', name, '--output', out] + files, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        lines = p.stderr.strip().splitlines()
        good = p.returncode == 1 and len(lines) == 1 and needle in lines[0] and not os.path.exists(out)
        ok = ok and good
        results.append('%s: exit %d, "%s"' % (label, p.returncode, lines[0] if lines else ''))
    check('kim-model rejects bad input', ok, '; '.join(results))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--model', required=True)
    ap.add_argument('--reference', required=True)
    ap.add_argument('--ase-python', default='')
    ap.add_argument('--nve-steps', type=int, default=3000)
    ap.add_argument('--nve-model', default='')
    ap.add_argument('--only', default='')
    args = ap.parse_args()
    args.work, args.reference, args.bin = map(os.path.abspath, (args.work, args.reference, args.bin))
    lmp = Lammps(args.work, args.model)
    checks = [('run0', lambda: check_run0(args, lmp)), ('mpi', lambda: check_mpi(args, lmp)),
              ('pressure', lambda: check_pressure(args, lmp)), ('nve', lambda: check_nve(args, lmp)),
              ('ase', lambda: check_ase(args)), ('bad', lambda: check_bad_input(args, lmp)),
              ('tool', lambda: check_kim_model_tool(args))]
    for name, fn in checks:
        if args.only and name not in args.only.split(','):
            continue
        try:
            fn()
        except Exception as e:  # a check that cannot run is a failure, with the reason
            check(name, False, 'error: %s' % e)
    print('kim: %d passed, %d failed, %d skipped' % (RESULTS['passed'], RESULTS['failed'], RESULTS['skipped']))
    sys.exit(1 if RESULTS['failed'] else 0)


if __name__ == '__main__':
    main()
