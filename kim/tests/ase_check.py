#!/usr/bin/env python3
"""Energies and forces of XSF structures through ASE's KIM calculator (kimpy).

  ase_check.py MODEL FILE.xsf...   prints a JSON list of {"file", "energy", "forces"}.
"""
import json
import sys

from ase.calculators.kim.kim import KIM
from ase.io import read

model, files = sys.argv[1], sys.argv[2:]
out = []
for path in files:
    atoms = read(path, format='xsf')
    if atoms.pbc.any():
        # ASE's KIM neighbour list (kimpy) pads the cell assuming positions inside it;
        # atoms more than a cell outside get wrong images. Wrapping changes no energy.
        atoms.wrap()
    atoms.calc = KIM(model)
    energy = atoms.get_potential_energy()
    forces = atoms.get_forces()
    out.append({'file': path, 'energy': float(energy), 'forces': [[float(x) for x in f] for f in forces]})
print(json.dumps(out))
