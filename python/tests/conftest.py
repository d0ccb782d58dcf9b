"""Fixtures: a small TiO2 potential the tests make themselves (aenet-PyTorch's ASCII layout), the
project's reference structures, and the project's predict executable for comparisons."""
import os

import numpy as np
import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STRUCTURES = os.path.join(REPO, "reference-inputs", "structures")
TYPES = ["Ti", "O"]
SPIN = {"Ti": -1.0, "O": 1.0}   # aenet's type spins for two ENV species (Ti, O)
RADIAL_RC, RADIAL_N, ANGULAR_RC, ANGULAR_N = 5.0, 8, 3.5, 2
E_ATOM = {"Ti": -1604.25, "O": -432.5}


def morse(d, depth, a, r0):
    return depth * ((1.0 - np.exp(-a * (d - r0))) ** 2 - 1.0)


def pair_coefficients(v):
    """Coefficients c_n with sum_n c_n fc(d) T_n(2d/Rc - 1) ~ v(d) (least squares on 1.0..4.9 A)."""
    d = np.linspace(1.0, RADIAL_RC - 0.1, 200)
    fc = 0.5 * (np.cos(np.pi * d / RADIAL_RC) + 1.0)
    x = 2.0 * d / RADIAL_RC - 1.0
    T = np.polynomial.chebyshev.chebvander(x, RADIAL_N) * fc[:, None]
    c, *_ = np.linalg.lstsq(T, v(d), rcond=None)
    return c


def potential_text(species, seed):
    """A Chebyshev potential whose network is nearly linear in the radial features: a Morse-like
    pair energy per neighbour species (Ti-O bonded, Ti-Ti and O-O repulsive) plus a small random
    nonlinear part — smooth, with a sensible TiO2 equilibrium, and a real 2-layer network."""
    rng = np.random.default_rng(seed)
    rN, aN = RADIAL_N + 1, ANGULAR_N + 1
    nsf = 2 * (rN + aN)
    if species == "Ti":
        same, other = (lambda d: morse(d, 0.3, 1.2, 3.2)), (lambda d: morse(d, 1.2, 1.6, 1.95))
    else:
        same, other = (lambda d: morse(d, 0.2, 1.4, 2.9)), (lambda d: morse(d, 1.2, 1.6, 1.95))
    vs, vo = pair_coefficients(same), pair_coefficients(other)
    s_same, s_other = SPIN[species], SPIN["O" if species == "Ti" else "Ti"]
    # v(neighbour u) = a + s_u b  ->  a = (v_same s_other - v_other s_same)/(s_other - s_same), ...
    b = (vo - vs) / (s_other - s_same)
    a = vs - s_same * b
    c = np.zeros(nsf)
    c[:rN] = a
    c[rN + aN:2 * rN + aN] = b
    eps = 0.01
    hidden = 3
    W1 = np.zeros((hidden, nsf + 1))        # rows: hidden nodes; last column: bias
    W1[0, :nsf] = eps * c
    W1[1:, :nsf] = 0.01 * rng.standard_normal((hidden - 1, nsf))
    W1[1:, nsf] = 0.1 * rng.standard_normal(hidden - 1)
    W2 = np.zeros((1, hidden + 1))
    W2[0, 0] = 1.0 / eps
    W2[0, 1:hidden] = 0.05 * rng.standard_normal(hidden - 1)
    sizes = [nsf, hidden, 1]
    weights = np.concatenate([W1.reshape(-1, order="F"), W2.reshape(-1, order="F")])
    iw = [0, W1.size, W1.size + W2.size]
    iv = [0, nsf + 1, nsf + 1 + hidden + 1]
    nvalues = iv[-1] + 1

    def f(v):
        return " ".join(repr(float(x)) for x in np.atleast_1d(v))

    sfparam = np.zeros(4 * nsf)
    sfparam[:4] = [RADIAL_RC, RADIAL_N, ANGULAR_RC, ANGULAR_N]
    lines = [
        "3", str(max(sizes)), str(len(weights)), str(nvalues),
        " ".join(map(str, sizes)), "1 0", " ".join(map(str, iw)), " ".join(map(str, iv)), f(weights),
        "test potential of the aenet-swift Python tests", species, "2", "Ti O",
        "0.75", repr(max(RADIAL_RC, ANGULAR_RC)), "Chebyshev", str(nsf), "4",
        " ".join(["0"] * nsf), f(sfparam), " ".join(["0"] * (2 * nsf)), "100",
        f(-np.ones(nsf)), f(np.ones(nsf)), f(np.zeros(nsf)), f(np.ones(nsf)),
        "synthetic.train", "True", "1.0", "0.0", "2", "Ti O", f([E_ATOM["Ti"], E_ATOM["O"]]), "100", "10",
        "-1.0 1.0 0.0",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def potentials(tmp_path_factory):
    d = tmp_path_factory.mktemp("potentials")
    out = {}
    for k, s in enumerate(TYPES):
        p = d / (s + ".nn.ascii")
        p.write_text(potential_text(s, seed=11 + k))
        out[s] = str(p)
    return out


@pytest.fixture(scope="session")
def predict_exe():
    exe = os.environ.get("AENET_PREDICT", os.path.join(REPO, ".build", "release", "predict"))
    if not os.path.exists(exe):
        pytest.skip("the project's predict executable is not built (swift build -c release)")
    return exe


def structure_paths(pattern=""):
    return sorted(os.path.join(STRUCTURES, n) for n in os.listdir(STRUCTURES) if n.endswith(".xsf") and pattern in n)
