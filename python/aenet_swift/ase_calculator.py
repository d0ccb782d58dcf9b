"""ASE calculator with the interface of aenet's python package: ANNCalculator(potentials={...})."""
import numpy as np
from ase.calculators.calculator import Calculator, all_changes
from ase.neighborlist import neighbor_list

from .core import ANNPotentials


class ANNCalculator(Calculator):
    """Energy, forces and stress from aenet ANN potentials.

    ANNCalculator(potentials={'Ti': 'Ti.nn', 'O': 'O.nn'}); the energy includes the free-atom
    energies (as aenet's total energy). Stress (eV/A^3, ASE's sign and Voigt order) comes from the
    analytic forces: sigma = -(1/V) sum r_ij (x) f_ij.
    """

    implemented_properties = ["energy", "free_energy", "forces", "stress"]

    def __init__(self, potentials, **kwargs):
        Calculator.__init__(self, **kwargs)
        self.ann = ANNPotentials(potentials)
        self.cutoff = self.ann.Rc_max

    def release(self):
        """For compatibility with aenet's calculator (the library is shared; nothing to free)."""
        pass

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        Calculator.calculate(self, atoms, properties, system_changes)
        atoms = self.atoms
        symbols = atoms.get_chemical_symbols()
        unknown = sorted(set(symbols) - set(self.ann.type_id))
        if unknown:
            raise ValueError("no potential for species %s" % ", ".join(unknown))
        types = np.array([self.ann.type_id[s] for s in symbols], dtype=np.intc)
        i, j, S = neighbor_list("ijS", atoms, self.cutoff)
        images = S.astype(np.float64) @ np.asarray(atoms.get_cell()) if atoms.pbc.any() else np.zeros((len(i), 3))
        want_forces = "forces" in properties or "stress" in properties
        energy, forces, virial = self.ann.evaluate(atoms.positions, types, i, j, images, forces=want_forces)
        self.results["energy"] = energy
        self.results["free_energy"] = energy
        if want_forces:
            self.results["forces"] = forces
            if atoms.cell.rank == 3 and atoms.pbc.all():
                s = -virial / atoms.get_volume()
                self.results["stress"] = np.array([s[0, 0], s[1, 1], s[2, 2], s[1, 2], s[0, 2], s[0, 1]])
