"""ANNCalculator through libaenet: same numbers as the project's predict, stress against finite
strain, energy conservation in NVE, BFGS relaxation."""
import re
import subprocess

import numpy as np
import pytest
from ase import units
from ase.io import read
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
from ase.md.verlet import VelocityVerlet
from ase.optimize import BFGS

from aenet_swift import AenetError, ANNCalculator, ANNPotentials
from conftest import structure_paths


def predict(exe, potentials, files, tmp_path):
    deck = tmp_path / "predict.in"
    deck.write_text("TYPES\n2\nTi\nO\n\nNETWORKS\nTi '%s'\nO '%s'\n\nFORCES\n\nFILES\n%d\n%s\n"
                    % (potentials["Ti"], potentials["O"], len(files), "\n".join(files)))
    out = subprocess.run([exe, str(deck)], capture_output=True, text=True, check=True).stdout
    results = []
    for block in out.split("Structure number")[1:]:
        energy = float(re.search(r"Total energy\s*:\s*(\S+)", block).group(1))
        table = block.split("Cartesian atomic coordinates")[1].split("-----\n", 1)[1].split("\n\n")[0]
        forces = np.array([[float(v) for v in line.split()[4:7]] for line in table.strip().split("\n")])
        results.append((energy, forces))
    return results


def test_energies_and_forces_equal_predict(potentials, predict_exe, tmp_path):
    files = structure_paths()
    reference = predict(predict_exe, potentials, files, tmp_path)
    assert len(reference) == len(files) >= 40
    calc = ANNCalculator(potentials=potentials)
    for f, (e_ref, f_ref) in zip(files, reference):
        atoms = read(f, format="xsf")
        atoms.calc = calc
        # predict prints 8 decimals for energies, 6 for forces
        assert abs(atoms.get_potential_energy() - e_ref) <= 1e-8 + 1e-15 * abs(e_ref), f
        assert np.abs(atoms.get_forces() - f_ref).max() <= 1.5e-6, f


def test_stress_equals_finite_difference_of_energy_under_strain(potentials):
    atoms = read(structure_paths("periodic-09")[0], format="xsf")
    atoms.calc = ANNCalculator(potentials=potentials)
    stress = atoms.get_stress(voigt=False)
    cell0, pos0 = atoms.get_cell().copy(), atoms.positions.copy()
    h, v = 1e-5, atoms.get_volume()
    numeric = np.zeros((3, 3))
    for a in range(3):
        for b in range(3):
            e = []
            for sign in (1, -1):
                eps = np.zeros((3, 3))
                eps[a, b] += sign * h / 2
                eps[b, a] += sign * h / 2
                atoms.set_cell(cell0 @ (np.eye(3) + eps), scale_atoms=False)
                atoms.positions = pos0 @ (np.eye(3) + eps)
                e.append(atoms.get_potential_energy())
            numeric[a, b] = (e[0] - e[1]) / (2 * h) / v
    atoms.set_cell(cell0)
    atoms.positions = pos0
    assert np.abs(stress - numeric).max() <= 1e-6 * max(1.0, np.abs(stress).max()), (stress, numeric)
    assert np.abs(stress).max() > 1e-4   # a strained, rattled cell is not stress-free


def test_nve_conserves_energy(potentials):
    atoms = read(structure_paths("periodic-10")[0], format="xsf").repeat((1, 1, 2))
    atoms.calc = ANNCalculator(potentials=potentials)
    BFGS(atoms, logfile=None).run(fmax=0.05, steps=200)   # start near a minimum, then heat to 300 K
    MaxwellBoltzmannDistribution(atoms, temperature_K=300, rng=np.random.default_rng(3))
    dyn = VelocityVerlet(atoms, timestep=1.0 * units.fs)
    energies = []
    dyn.attach(lambda: energies.append(atoms.get_total_energy()), interval=1)
    dyn.run(300)
    e = np.array(energies)
    drift = abs(e[-1] - e[0]) / len(atoms)
    spread = (e.max() - e.min()) / len(atoms)
    ekin = atoms.get_kinetic_energy() / len(atoms)
    print("NVE %d atoms, 300 steps of 1 fs: drift %.2e eV/atom, spread %.2e eV/atom, Ekin %.3f eV/atom"
          % (len(atoms), drift, spread, ekin))
    assert ekin > 0.005             # the atoms do move
    assert drift < 1e-4 and spread < 5e-4


def test_bfgs_relaxation_converges(potentials):
    atoms = read(structure_paths("periodic-02")[0], format="xsf")
    atoms.calc = ANNCalculator(potentials=potentials)
    e0 = atoms.get_potential_energy()
    opt = BFGS(atoms, logfile=None)
    assert opt.run(fmax=0.01, steps=300)
    assert np.abs(atoms.get_forces()).max() < 0.01
    assert atoms.get_potential_energy() < e0
    print("BFGS: %d steps, E %.6f -> %.6f eV" % (opt.nsteps, e0, atoms.get_potential_energy()))


def test_errors_are_exceptions_not_crashes(potentials, tmp_path):
    bad = tmp_path / "Ti.nn"
    bad.write_bytes(b"\x04\x00\x00\x00garbage" * 3)
    with pytest.raises(AenetError):
        ANNPotentials({"Ti": str(bad), "O": potentials["O"]})
    pots = ANNPotentials(potentials)   # usable again afterwards
    assert pots.Rc_max == 5.0 and pots.free_atom_energy("O") == -432.5
    atoms = read(structure_paths("cluster-01")[0], format="xsf")
    atoms.calc = ANNCalculator(potentials={"Ti": potentials["Ti"], "O": potentials["O"]})
    atoms.get_potential_energy()
    atoms.symbols[0] = "Zr"
    with pytest.raises(ValueError):
        atoms.get_potential_energy()
