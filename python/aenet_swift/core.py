"""ctypes bindings to libaenet (declarations: libaenet/aenet.h of aenet-swift).

libaenet keeps one set of potentials per process (aenet's design). `ANNPotentials` objects share
it: the one used last is (re)loaded when needed, so several objects with different potentials
work, at the cost of reloading when they alternate.
"""
import ctypes
import ctypes.util
import os
import threading

import numpy as np

__all__ = ["ANNPotentials", "AenetError", "library_path"]

AENET_OK, AENET_ERR_INIT, AENET_ERR_MALLOC, AENET_ERR_IO, AENET_ERR_TYPE = 0, 1, 2, 3, 4
_MESSAGES = {
    AENET_ERR_INIT: "not initialised, or initialised twice",
    AENET_ERR_MALLOC: "invalid array or memory error",
    AENET_ERR_IO: "file missing or unreadable",
    AENET_ERR_TYPE: "invalid or unknown species",
}


class AenetError(RuntimeError):
    """A libaenet call returned a non-zero status (libaenet also printed why on stderr)."""

    def __init__(self, what, status):
        super().__init__("%s failed: %s (status %d)" % (what, _MESSAGES.get(status, "error"), status))
        self.status = status


def library_path():
    """Where libaenet.so is taken from (see README)."""
    env = os.environ.get("AENET_LIB")
    if env:
        return env
    prefix = os.environ.get("AENET_LIB_PREFIX")
    if prefix:
        return os.path.join(prefix, "lib", "libaenet.so")
    found = ctypes.util.find_library("aenet")
    if found:
        return found
    local = os.path.join(os.getcwd(), "out", "libaenet", "lib", "libaenet.so")
    if os.path.exists(local):
        return local
    raise OSError("libaenet not found: set AENET_LIB to the path of libaenet.so "
                  "(build it with scripts/build-libaenet.sh)")


_lib = None
_lock = threading.RLock()
_active = None  # (types tuple, files tuple) currently loaded in the library

_dp = ctypes.POINTER(ctypes.c_double)
_ip = ctypes.POINTER(ctypes.c_int)


def _library():
    global _lib
    if _lib is None:
        lib = ctypes.CDLL(library_path())
        lib.aenet_init.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p), _ip]
        lib.aenet_final.argtypes = [_ip]
        lib.aenet_load_potential.argtypes = [ctypes.c_int, ctypes.c_char_p, _ip]
        lib.aenet_all_loaded.restype = ctypes.c_bool
        lib.aenet_free_atom_energy.argtypes = [ctypes.c_int]
        lib.aenet_free_atom_energy.restype = ctypes.c_double
        lib.aenet_atomic_energy.argtypes = [_dp, ctypes.c_int, ctypes.c_int, _dp, _ip, _dp, _ip]
        lib.aenet_atomic_energy_forces_virial.argtypes = [
            _dp, ctypes.c_int, ctypes.c_int, ctypes.c_int, _dp, _ip, _ip, ctypes.c_int, _dp, _dp, _dp, _ip]
        lib.aenet_print_info.argtypes = []
        _lib = lib
    return _lib


def _check(what, stat):
    if stat.value != AENET_OK:
        raise AenetError(what, stat.value)


class ANNPotentials:
    """The potentials of several species, e.g. ANNPotentials({'Ti': 'Ti.nn', 'O': 'O.nn'}).

    Files are aenet's binary potentials or aenet-PyTorch's ASCII ones (*.nn.ascii).
    """

    def __init__(self, potentials):
        if not potentials:
            raise ValueError("no potentials given")
        self.atom_types = [str(t) for t in potentials]
        self.files = [os.path.abspath(str(potentials[t])) for t in self.atom_types]
        for f in self.files:
            if not os.path.exists(f):
                raise FileNotFoundError(f)
        self._config = (tuple(self.atom_types), tuple(self.files))
        self.type_id = {t: k + 1 for k, t in enumerate(self.atom_types)}
        self._activate()
        lib = _library()
        self.Rc_min = ctypes.c_double.in_dll(lib, "aenet_Rc_min").value
        self.Rc_max = ctypes.c_double.in_dll(lib, "aenet_Rc_max").value
        self.nnb_max = ctypes.c_int.in_dll(lib, "aenet_nnb_max").value

    def _activate(self):
        """Make these potentials the library's current ones (caller need not hold the lock)."""
        global _active
        with _lock:
            if _active == self._config:
                return
            lib = _library()
            stat = ctypes.c_int(0)
            if _active is not None:
                lib.aenet_final(ctypes.byref(stat))
                _active = None
            names = (ctypes.c_char_p * len(self.atom_types))(*[t.encode() for t in self.atom_types])
            lib.aenet_init(len(self.atom_types), names, ctypes.byref(stat))
            _check("aenet_init", stat)
            for k, f in enumerate(self.files):
                lib.aenet_load_potential(k + 1, f.encode(), ctypes.byref(stat))
                if stat.value != AENET_OK:
                    lib.aenet_final(ctypes.byref(ctypes.c_int(0)))
                    _check("aenet_load_potential(%s)" % f, stat)
            _active = self._config

    def free_atom_energy(self, species):
        self._activate()
        return _library().aenet_free_atom_energy(self.type_id[species])

    def print_info(self):
        self._activate()
        _library().aenet_print_info()

    def evaluate(self, positions, types, centers, neighbours, images, forces=True):
        """Energy, forces (natoms x 3) and virial (3 x 3, eV) of a structure.

        positions: (N, 3) Cartesian; types: (N,) 1-based species ids; centers/neighbours: the
        pairs (i, j) of a full neighbour list; images: (npairs, 3) Cartesian offsets, so the
        neighbour sits at positions[j] + images. Forces on periodic images go to their atom.
        """
        self._activate()
        lib = _library()
        n = len(positions)
        pos = np.ascontiguousarray(positions, dtype=np.float64)
        typ = np.ascontiguousarray(types, dtype=np.intc)
        order = np.argsort(centers, kind="stable")
        centers, neighbours, images = centers[order], neighbours[order], images[order]
        starts = np.searchsorted(centers, np.arange(n + 1))
        coo = np.ascontiguousarray(pos[neighbours] + images)
        tj = np.ascontiguousarray(typ[neighbours])
        idx = np.ascontiguousarray(neighbours + 1, dtype=np.intc)
        F = np.zeros((n, 3))
        W = np.zeros(6)
        energy = 0.0
        e = ctypes.c_double(0.0)
        stat = ctypes.c_int(0)
        Fp, Wp = F.ctypes.data_as(_dp), W.ctypes.data_as(_dp)
        cbase, tbase, ibase = coo.ctypes.data, tj.ctypes.data, idx.ctypes.data
        with _lock:
            for i in range(n):
                a, b = int(starts[i]), int(starts[i + 1])
                ci = pos[i].ctypes.data_as(_dp)
                cj = ctypes.cast(cbase + 24 * a, _dp)
                tjp = ctypes.cast(tbase + 4 * a, _ip)
                if forces:
                    ijp = ctypes.cast(ibase + 4 * a, _ip)
                    lib.aenet_atomic_energy_forces_virial(ci, int(typ[i]), i + 1, int(b - a), cj, tjp, ijp, n,
                                                          ctypes.byref(e), Fp, Wp, ctypes.byref(stat))
                else:
                    lib.aenet_atomic_energy(ci, int(typ[i]), int(b - a), cj, tjp, ctypes.byref(e), ctypes.byref(stat))
                _check("aenet_atomic_energy_and_forces" if forces else "aenet_atomic_energy", stat)
                energy += e.value
        virial = np.array([[W[0], W[3], W[4]], [W[3], W[1], W[5]], [W[4], W[5], W[2]]])
        return energy, F, virial
