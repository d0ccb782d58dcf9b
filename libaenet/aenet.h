/*
 * aenet.h — C interface of aenet-swift's libaenet.
 *
 * Same functions, variables, argument order and status values as the C interface of
 * aenet 2.0.4 (libaenet), so that programs written for aenet's library (LAMMPS pair_style aenet,
 * aenet's Python package, Monte-Carlo codes) compile and link against this library unchanged.
 * The extensions at the end are new.
 *
 * Conventions
 *   - Species (type) ids are 1-based positions in the list given to aenet_init.
 *   - Atom indices (index_i, index_j) are 1-based positions in the caller's force array F, which
 *     holds 3 doubles per atom (x, y, z). Ghost atoms (periodic images, atoms of other MPI ranks)
 *     have their own indices; forces on them are accumulated there, as LAMMPS expects. As in aenet,
 *     `natoms` is not used as an upper bound (pair_aenet passes the number of real atoms while F
 *     also holds the ghosts).
 *   - Coordinates are Cartesian, in Angstrom; energies in eV, forces in eV/Angstrom.
 *   - The neighbour list of an atom holds the positions of its neighbours (images included, the
 *     atom itself excluded); entries beyond the potentials' cutoff are ignored, so a list with a
 *     skin is fine.
 *   - Every function that has a `stat` argument stores AENET_OK or one of the AENET_ERR_*
 *     values there, and prints one line on stderr when it fails. AENET_ERR_MALLOC also reports
 *     invalid arrays: null pointers, negative counts, n_j > aenet_nnb_max, atom index < 1.
 *   - After aenet_init and aenet_load_potential for every type, the evaluation functions may be
 *     called concurrently from several threads.
 */
#ifndef AENET_H_INCLUDED
#define AENET_H_INCLUDED

#ifdef __cplusplus
extern "C" {
#endif

/* Set up for `ntypes` species named atom_types[0..ntypes-1] (at most AENET_TYPELEN characters
 * are significant). AENET_ERR_INIT when already initialised. */
void aenet_init(int ntypes, char* atom_types[], int* stat);

/* Release everything; the library may be initialised again afterwards. */
void aenet_final(int* stat);

/* Print a description of every loaded potential on stdout. */
void aenet_print_info(void);

/* Load the potential (aenet's binary .nn/.ann file) of species `type_id`. When the last species
 * is loaded, aenet_Rc_min, aenet_Rc_max, aenet_nnb_max and aenet_nsf_max are set.
 * AENET_ERR_INIT before aenet_init, AENET_ERR_TYPE for a bad id or a potential of another
 * species, AENET_ERR_IO for a missing or unreadable file. */
void aenet_load_potential(int type_id, char* filename, int* stat);

/* Whether every species has its potential (true before aenet_init, as in aenet). */
_Bool aenet_all_loaded(void);

/* Free-atom reference energy (eV) of species `type_id` (0.0 and a message when unknown). */
double aenet_free_atom_energy(int type_id);

/* Energy E_i of atom i (species type_i) with n_j neighbours at coo_j[3*n_j] of species
 * type_j[n_j]. E_i includes the free-atom energy. */
void aenet_atomic_energy(double coo_i[3], int type_i, int n_j,
                         double coo_j[], int type_j[], double* E_i,
                         int* stat);

/* As aenet_atomic_energy, and adds the forces that E_i exerts on atom i and on every neighbour:
 * F[3*(index_i-1)+c] and F[3*(index_j[j]-1)+c] (F is not cleared). */
void aenet_atomic_energy_and_forces(double coo_i[3], int type_i, int index_i,
                                    int n_j, double coo_j[], int type_j[],
                                    int index_j[], int natoms, double* E_i,
                                    double F[], int* stat);

/* type_id_out[k] = id (in the aenet_init list) of the species named
 * atom_types[type_id_in[k]-1]; AENET_ERR_TYPE when a name is not in the list. */
void aenet_convert_atom_types(int ntypes_in, char* atom_types[],
                              int natoms_in, int type_id_in[],
                              int type_id_out[], int* stat);

/* A Chebyshev fingerprint basis without potentials (independent of aenet_init). */
void aenet_sfb_init(int ntypes, char* atom_types[], int radial_order,
                    int angular_order, double radial_Rc, double angular_Rc,
                    int* stat);
void aenet_sfb_final(int* stat);
/* Number of fingerprint values (0 when no basis is set up). */
int aenet_sfb_nvalues(void);
/* Fingerprint of a central atom of species itype0 at coo0 with nat neighbours (species
 * itype1[], 1-based in the aenet_sfb_init list, positions coo1[3*nat]); nv must equal
 * aenet_sfb_nvalues(). */
void aenet_sfb_eval(int itype0, double coo0[3], int nat, int itype1[],
                    double coo1[], int nv, double values[], int* stat);
/* The radial distribution encoded by the radial block of values[], on nx points x[] in
 * [0, radial_Rc] (y[] at x = 0 and at x = Rc are not meaningful, as in aenet). */
void aenet_sfb_reconstruct_radial(int nv, double values[], int nx,
                                  double x[], double y[], int* stat);

extern int AENET_OK;          /* 0 */
extern int AENET_ERR_INIT;    /* 1 */
extern int AENET_ERR_MALLOC;  /* 2 */
extern int AENET_ERR_IO;      /* 3 */
extern int AENET_ERR_TYPE;    /* 4 */
extern int AENET_TYPELEN;     /* 2 */
extern int AENET_PATHLEN;     /* 1024 */

extern int aenet_nsf_max;     /* largest number of fingerprint functions of the potentials */
extern int aenet_nnb_max;     /* largest accepted n_j */
extern double aenet_Rc_min;   /* smallest RMIN of the potentials */
extern double aenet_Rc_max;   /* largest cutoff: neighbour lists must reach this far */

/* ---- Extensions (not in aenet 2.0.4) ------------------------------------------------------ */

/* Load a potential in the ASCII layout of aenet-PyTorch (*.nn.ascii, the input of its
 * nnASCII2bin tool); otherwise as aenet_load_potential. (Declared the same way by the CFFI
 * layer of aenet's newer Python package.) aenet_load_potential also recognises such files. */
void aenet_load_potential_ascii(int type_id, char* filename, int* stat);

/* As aenet_atomic_energy_and_forces, and adds this atom's contribution to the virial
 * W = sum over neighbours j of (r_j - r_i) (x) f_j, in eV, to virial[6] in the order
 * xx, yy, zz, xy, xz, yz (LAMMPS's order). Summed over all atoms, W is the virial of the
 * structure; the stress is -W/V. */
void aenet_atomic_energy_forces_virial(double coo_i[3], int type_i, int index_i,
                                       int n_j, double coo_j[], int type_j[],
                                       int index_j[], int natoms, double* E_i,
                                       double F[], double virial[6], int* stat);

/* Version of this library, e.g. "aenet-swift 0.1 (aenet 2.0.4 C API)". */
const char* aenet_swift_version(void);

#ifdef __cplusplus
}
#endif

#endif
