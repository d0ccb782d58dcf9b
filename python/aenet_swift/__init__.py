"""aenet ANN potentials from Python through aenet-swift's libaenet (aenet 2.0.4's C interface)."""
from .core import ANNPotentials, AenetError, library_path
from .ase_calculator import ANNCalculator

__all__ = ["ANNPotentials", "ANNCalculator", "AenetError", "library_path"]
__version__ = "0.1.0"
