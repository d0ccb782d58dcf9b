/*
 * check_libaenet: evaluates structures through the C interface of libaenet the way LAMMPS's
 * pair_style aenet does — periodic images become ghost atoms with their own indices, each local
 * atom gets a full neighbour list (with a skin beyond the cutoff), one
 * aenet_atomic_energy_and_forces call per local atom, then the ghost forces are added to their
 * owners — and prints energy and forces for comparison with predict.
 *
 *   check_libaenet [--threads] [--virial] [--ascii] STRUCTURE.txt...
 *   check_libaenet --bad-input STRUCTURE.txt
 *   check_libaenet --sfb STRUCTURE.txt   (aenet_sfb_*: Chebyshev basis Ti O, radial 6.0 A / 10,
 *                                         angular 4.5 A / 4, of atom 1; prints "sfb v..." and
 *                                         "rdf x y" for 25 points)
 *
 * STRUCTURE.txt (written by the test suite):
 *   ntypes name_1 ... name_n
 *   potential_1 ... potential_n        (one path per line)
 *   periodic 0|1
 *   a_x a_y a_z / b / c                (three lines, only when periodic)
 *   natoms
 *   type x y z                         (natoms lines, type 1-based)
 * Output per structure: "energy E", "energy_only E" (aenet_atomic_energy), natoms lines
 * "force fx fy fz", with --virial "virial xx yy zz xy xz yz", with --threads "threads identical"
 * or "threads DIFFERENT". Compile with -DAENET_FORTRAN_ONLY to use only aenet 2.0.4's API.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "aenet.h"

typedef struct {
    int ntypes;
    char names[16][8];
    char pots[16][4096];
    int periodic;
    double cell[3][3];
    int n;        /* local atoms */
    int ntot;     /* local + ghost */
    int *type;    /* ntot */
    int *owner;   /* ntot: local atom of each ghost */
    double *x;    /* 3*ntot */
} System;

static void die(const char *msg) { fprintf(stderr, "check_libaenet: %s\n", msg); exit(1); }

static void read_system(const char *path, System *s) {
    FILE *f = fopen(path, "r");
    if (!f) die("cannot open structure file");
    memset(s, 0, sizeof *s);
    if (fscanf(f, "%d", &s->ntypes) != 1 || s->ntypes < 1 || s->ntypes > 16) die("bad ntypes");
    for (int t = 0; t < s->ntypes; t++) if (fscanf(f, "%7s", s->names[t]) != 1) die("bad names");
    for (int t = 0; t < s->ntypes; t++) if (fscanf(f, " %4095[^\n]", s->pots[t]) != 1) die("bad potential");
    if (fscanf(f, " periodic %d", &s->periodic) != 1) die("bad periodic");
    if (s->periodic)
        for (int k = 0; k < 3; k++)
            if (fscanf(f, "%lf %lf %lf", &s->cell[k][0], &s->cell[k][1], &s->cell[k][2]) != 3) die("bad cell");
    if (fscanf(f, "%d", &s->n) != 1 || s->n < 1) die("bad natoms");
    s->type = malloc(sizeof(int) * s->n);
    s->owner = malloc(sizeof(int) * s->n);
    s->x = malloc(sizeof(double) * 3 * s->n);
    for (int i = 0; i < s->n; i++) {
        if (fscanf(f, "%d %lf %lf %lf", &s->type[i], &s->x[3 * i], &s->x[3 * i + 1], &s->x[3 * i + 2]) != 4) die("bad atom");
        s->owner[i] = i;
    }
    s->ntot = s->n;
    fclose(f);
}

/* Wraps the local atoms into the cell, as LAMMPS keeps them (energies and forces do not change). */
static void wrap_atoms(System *s) {
    const double (*a)[3] = s->cell;
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
               + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    double inv[3][3];   /* inv[k] . r = fractional coordinate k (rows of the inverse of the cell matrix A^T) */
    for (int k = 0; k < 3; k++) {
        const double *u = a[(k + 1) % 3], *v = a[(k + 2) % 3];
        inv[k][0] = (u[1] * v[2] - u[2] * v[1]) / det;
        inv[k][1] = (u[2] * v[0] - u[0] * v[2]) / det;
        inv[k][2] = (u[0] * v[1] - u[1] * v[0]) / det;
    }
    for (int i = 0; i < s->n; i++) {
        double *r = &s->x[3 * i], f[3];
        for (int k = 0; k < 3; k++) f[k] = inv[k][0] * r[0] + inv[k][1] * r[1] + inv[k][2] * r[2];
        for (int k = 0; k < 3; k++) f[k] -= floor(f[k]);
        for (int c = 0; c < 3; c++) r[c] = f[0] * a[0][c] + f[1] * a[1][c] + f[2] * a[2][c];
    }
}

/* Ghost atoms: every periodic image within `reach` of some local atom (as a LAMMPS ghost shell). */
static void add_ghosts(System *s, double reach) {
    if (!s->periodic) return;
    wrap_atoms(s);
    double h[3];
    for (int k = 0; k < 3; k++) {   /* heights of the cell: V / |a_l x a_m| */
        const double *a = s->cell[(k + 1) % 3], *b = s->cell[(k + 2) % 3];
        double c[3] = { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };
        double vol = fabs(c[0] * s->cell[k][0] + c[1] * s->cell[k][1] + c[2] * s->cell[k][2]);
        h[k] = vol / sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    }
    int m[3];
    for (int k = 0; k < 3; k++) m[k] = (int)ceil(reach / h[k]) + 1;
    int cap = s->n * (2 * m[0] + 1) * (2 * m[1] + 1) * (2 * m[2] + 1);
    s->type = realloc(s->type, sizeof(int) * cap);
    s->owner = realloc(s->owner, sizeof(int) * cap);
    s->x = realloc(s->x, sizeof(double) * 3 * cap);
    double r2 = reach * reach;
    for (int t1 = -m[0]; t1 <= m[0]; t1++)
    for (int t2 = -m[1]; t2 <= m[1]; t2++)
    for (int t3 = -m[2]; t3 <= m[2]; t3++) {
        if (t1 == 0 && t2 == 0 && t3 == 0) continue;
        for (int j = 0; j < s->n; j++) {
            double p[3];
            for (int c = 0; c < 3; c++)
                p[c] = s->x[3 * j + c] + t1 * s->cell[0][c] + t2 * s->cell[1][c] + t3 * s->cell[2][c];
            int near = 0;
            for (int i = 0; i < s->n && !near; i++) {
                double d0 = p[0] - s->x[3 * i], d1 = p[1] - s->x[3 * i + 1], d2 = p[2] - s->x[3 * i + 2];
                near = d0 * d0 + d1 * d1 + d2 * d2 < r2;
            }
            if (!near) continue;
            int g = s->ntot++;
            s->type[g] = s->type[j]; s->owner[g] = j;
            memcpy(&s->x[3 * g], p, sizeof p);
        }
    }
}

typedef struct {
    int *start, *count, *list;   /* full neighbour list of each local atom (indices into ntot) */
    double *coo; int *typ, *idx; /* per-atom scratch: neighbour coordinates, types, 1-based indices */
} Lists;

static void build_lists(const System *s, double reach, Lists *L) {
    L->start = malloc(sizeof(int) * s->n); L->count = malloc(sizeof(int) * s->n);
    int cap = 1024, used = 0; L->list = malloc(sizeof(int) * cap);
    for (int i = 0; i < s->n; i++) {
        L->start[i] = used; L->count[i] = 0;
        for (int j = 0; j < s->ntot; j++) {
            if (j == i) continue;
            double d0 = s->x[3 * j] - s->x[3 * i], d1 = s->x[3 * j + 1] - s->x[3 * i + 1], d2 = s->x[3 * j + 2] - s->x[3 * i + 2];
            if (d0 * d0 + d1 * d1 + d2 * d2 >= reach * reach) continue;
            if (used == cap) { cap *= 2; L->list = realloc(L->list, sizeof(int) * cap); }
            L->list[used++] = j; L->count[i]++;
        }
    }
}

/* Energy and forces (and virial) of the whole system, LAMMPS style. Returns the status. */
static int compute(const System *s, const Lists *L, int virial_too, double *energy, double *F_local, double *virial) {
    double *F = calloc(3 * (size_t)s->ntot, sizeof(double));
    int maxn = 0;
    for (int i = 0; i < s->n; i++) if (L->count[i] > maxn) maxn = L->count[i];
    double *coo = malloc(sizeof(double) * 3 * (maxn + 1));
    int *typ = malloc(sizeof(int) * (maxn + 1)), *idx = malloc(sizeof(int) * (maxn + 1));
    int stat = 0;
    *energy = 0;
    for (int k = 0; k < 6; k++) virial[k] = 0;
    for (int i = 0; i < s->n && stat == 0; i++) {
        int nj = L->count[i];
        for (int q = 0; q < nj; q++) {
            int j = L->list[L->start[i] + q];
            memcpy(&coo[3 * q], &s->x[3 * j], 3 * sizeof(double));
            typ[q] = s->type[j]; idx[q] = j + 1;
        }
        double Ei = 0, xi[3] = { s->x[3 * i], s->x[3 * i + 1], s->x[3 * i + 2] };
#ifndef AENET_FORTRAN_ONLY
        if (virial_too)
            aenet_atomic_energy_forces_virial(xi, s->type[i], i + 1, nj, coo, typ, idx, s->n, &Ei, F, virial, &stat);
        else
#endif
            aenet_atomic_energy_and_forces(xi, s->type[i], i + 1, nj, coo, typ, idx, s->n, &Ei, F, &stat);
        *energy += Ei;
    }
    for (int i = 0; i < 3 * s->n; i++) F_local[i] = 0;
    for (int g = 0; g < s->ntot; g++)
        for (int c = 0; c < 3; c++) F_local[3 * s->owner[g] + c] += F[3 * g + c];
    free(F); free(coo); free(typ); free(idx);
    return stat;
}

static double energy_only(const System *s, const Lists *L, int *stat) {
    double e = 0;
    for (int i = 0; i < s->n; i++) {
        int nj = L->count[i];
        double *coo = malloc(sizeof(double) * 3 * (nj + 1));
        int *typ = malloc(sizeof(int) * (nj + 1));
        for (int q = 0; q < nj; q++) {
            int j = L->list[L->start[i] + q];
            memcpy(&coo[3 * q], &s->x[3 * j], 3 * sizeof(double));
            typ[q] = s->type[j];
        }
        double Ei = 0;
        aenet_atomic_energy(&s->x[3 * i], s->type[i], nj, coo, typ, &Ei, stat);
        free(coo); free(typ);
        if (*stat != 0) return e;
        e += Ei;
    }
    return e;
}

typedef struct { const System *s; const Lists *L; double energy; double *F; double virial[6]; int stat; int repeats; } Job;

static void *run_job(void *arg) {
    Job *j = arg;
    for (int r = 0; r < j->repeats; r++) j->stat |= compute(j->s, j->L, 0, &j->energy, j->F, j->virial);
    return NULL;
}

static void setup(const System *s, int ascii) {
    char *names[16];
    int stat;
    for (int t = 0; t < s->ntypes; t++) names[t] = (char *)s->names[t];
    aenet_init(s->ntypes, names, &stat);
    if (stat != AENET_OK) die("aenet_init failed");
    for (int t = 0; t < s->ntypes; t++) {
#ifndef AENET_FORTRAN_ONLY
        if (ascii) aenet_load_potential_ascii(t + 1, (char *)s->pots[t], &stat); else
#endif
        aenet_load_potential(t + 1, (char *)s->pots[t], &stat);
        if (stat != AENET_OK) die("aenet_load_potential failed");
    }
    if (!aenet_all_loaded()) die("aenet_all_loaded is false after loading");
}

/* Bad input: every call must return a non-zero status (and not crash). */
static int bad_input(const System *s) {
    int stat = -1, failures = 0;
    double e, F[3 * 8] = {0}, xi[3] = {0, 0, 0}, coo[6] = {1.5, 0, 0, 0, 1.6, 0};
    int typ[2] = {1, 2}, idx[2] = {2, 3};
#define EXPECT(call, code) do { stat = -1; call; \
        if (stat != (code)) { printf("FAIL %s: status %d, expected %d\n", #call, stat, (code)); failures++; } \
        else printf("ok %s -> %d\n", #call, stat); } while (0)
    EXPECT(aenet_atomic_energy(xi, 1, 2, coo, typ, &e, &stat), AENET_ERR_INIT);
    EXPECT(aenet_load_potential(1, (char *)s->pots[0], &stat), AENET_ERR_INIT);
    char *names[16];
    for (int t = 0; t < s->ntypes; t++) names[t] = (char *)s->names[t];
    EXPECT(aenet_init(s->ntypes, names, &stat), AENET_OK);
    EXPECT(aenet_init(s->ntypes, names, &stat), AENET_ERR_INIT);
    EXPECT(aenet_load_potential(0, (char *)s->pots[0], &stat), AENET_ERR_TYPE);
    EXPECT(aenet_load_potential(s->ntypes + 1, (char *)s->pots[0], &stat), AENET_ERR_TYPE);
    EXPECT(aenet_load_potential(1, "/nonexistent/Ti.nn", &stat), AENET_ERR_IO);
    EXPECT(aenet_load_potential(1, "/etc/hostname", &stat), AENET_ERR_IO);   /* not a potential */
    if (s->ntypes > 1) EXPECT(aenet_load_potential(1, (char *)s->pots[1], &stat), AENET_ERR_TYPE); /* other species */
    EXPECT(aenet_load_potential(1, NULL, &stat), AENET_ERR_MALLOC);
    EXPECT(aenet_atomic_energy(xi, 1, 2, coo, typ, &e, &stat), AENET_ERR_INIT);   /* not all loaded */
    for (int t = 0; t < s->ntypes; t++) EXPECT(aenet_load_potential(t + 1, (char *)s->pots[t], &stat), AENET_OK);
    EXPECT(aenet_atomic_energy(xi, 1, 2, coo, typ, &e, &stat), AENET_OK);
    EXPECT(aenet_atomic_energy(xi, 0, 2, coo, typ, &e, &stat), AENET_ERR_TYPE);
    EXPECT(aenet_atomic_energy(xi, s->ntypes + 1, 2, coo, typ, &e, &stat), AENET_ERR_TYPE);
    int badtyp[2] = {1, 7};
    EXPECT(aenet_atomic_energy(xi, 1, 2, coo, badtyp, &e, &stat), AENET_ERR_TYPE);
    EXPECT(aenet_atomic_energy(xi, 1, aenet_nnb_max + 1, coo, typ, &e, &stat), AENET_ERR_MALLOC);
    EXPECT(aenet_atomic_energy(xi, 1, -1, coo, typ, &e, &stat), AENET_ERR_MALLOC);
    EXPECT(aenet_atomic_energy(NULL, 1, 2, coo, typ, &e, &stat), AENET_ERR_MALLOC);
    EXPECT(aenet_atomic_energy(xi, 1, 2, NULL, typ, &e, &stat), AENET_ERR_MALLOC);
    EXPECT(aenet_atomic_energy(xi, 1, 2, coo, NULL, &e, &stat), AENET_ERR_MALLOC);
    EXPECT(aenet_atomic_energy(xi, 1, 2, coo, typ, NULL, &stat), AENET_ERR_MALLOC);
    EXPECT(aenet_atomic_energy_and_forces(xi, 1, 1, 2, coo, typ, idx, 3, &e, NULL, &stat), AENET_ERR_MALLOC);
    EXPECT(aenet_atomic_energy_and_forces(xi, 1, 1, 2, coo, typ, NULL, 3, &e, F, &stat), AENET_ERR_MALLOC);
    int badidx[2] = {2, 0};
    EXPECT(aenet_atomic_energy_and_forces(xi, 1, 1, 2, coo, typ, badidx, 3, &e, F, &stat), AENET_ERR_MALLOC);
    EXPECT(aenet_atomic_energy_and_forces(xi, 1, 0, 2, coo, typ, idx, 3, &e, F, &stat), AENET_ERR_MALLOC);
    EXPECT(aenet_atomic_energy_and_forces(xi, 1, 1, 2, coo, typ, idx, 3, &e, F, &stat), AENET_OK);
    char *other[2] = { (char *)s->names[s->ntypes - 1], "Xx" };
    int in[2] = {1, 2}, out[2] = {0, 0};
    EXPECT(aenet_convert_atom_types(2, other, 1, in, out, &stat), AENET_OK);
    if (out[0] != s->ntypes) { printf("FAIL convert: %d\n", out[0]); failures++; }
    EXPECT(aenet_convert_atom_types(2, other, 2, in, out, &stat), AENET_ERR_TYPE);
    EXPECT(aenet_sfb_eval(1, xi, 2, typ, coo, 4, F, &stat), AENET_ERR_INIT);
    EXPECT(aenet_final(&stat), AENET_OK);
    EXPECT(aenet_atomic_energy(xi, 1, 2, coo, typ, &e, &stat), AENET_ERR_INIT);
    printf("bad-input failures %d\n", failures);
    return failures ? 1 : 0;
}

/* The stand-alone fingerprint basis on atom 1 of the structure (neighbours: all atoms and ghosts
 * within 7 A, the structure's types). */
static int sfb(System *s) {
    int stat;
    char *names[2] = { "Ti", "O" };
    aenet_sfb_init(2, names, 10, 4, 6.0, 4.5, &stat);
    if (stat != AENET_OK) die("aenet_sfb_init failed");
    int nv = aenet_sfb_nvalues();
    add_ghosts(s, 7.0);
    Lists L;
    build_lists(s, 7.0, &L);
    int nj = L.count[0];
    double *coo = malloc(sizeof(double) * 3 * (nj + 1)), *v = malloc(sizeof(double) * nv);
    int *typ = malloc(sizeof(int) * (nj + 1));
    for (int q = 0; q < nj; q++) {
        int j = L.list[L.start[0] + q];
        memcpy(&coo[3 * q], &s->x[3 * j], 3 * sizeof(double));
        typ[q] = s->type[j];
    }
    aenet_sfb_eval(s->type[0], &s->x[0], nj, typ, coo, nv, v, &stat);
    if (stat != AENET_OK) die("aenet_sfb_eval failed");
    printf("sfb");
    for (int k = 0; k < nv; k++) printf(" %.17g", v[k]);
    printf("\n");
    double x[25], y[25];
    aenet_sfb_reconstruct_radial(nv, v, 25, x, y, &stat);
    if (stat != AENET_OK) die("aenet_sfb_reconstruct_radial failed");
    for (int k = 0; k < 25; k++) printf("rdf %.17g %.17g\n", x[k], y[k]);
    aenet_sfb_final(&stat);
    printf("nvalues after final %d\n", aenet_sfb_nvalues());
    return 0;
}

int main(int argc, char **argv) {
    int threads = 0, virial = 0, ascii = 0, bad = 0, basis = 0, first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "--threads")) threads = 1;
        else if (!strcmp(argv[first], "--virial")) virial = 1;
        else if (!strcmp(argv[first], "--ascii")) ascii = 1;
        else if (!strcmp(argv[first], "--bad-input")) bad = 1;
        else if (!strcmp(argv[first], "--sfb")) basis = 1;
        else die("unknown option");
    }
    if (first >= argc) die("no structure files");
    if (bad) { System s; read_system(argv[first], &s); return bad_input(&s); }
    if (basis) { System s; read_system(argv[first], &s); return sfb(&s); }
    int loaded = 0;
    for (int a = first; a < argc; a++) {
        System s;
        read_system(argv[a], &s);
        if (!loaded) { setup(&s, ascii); loaded = 1; }
        double reach = aenet_Rc_max + 1.0;   /* neighbour list with a 1 A skin */
        add_ghosts(&s, reach);
        Lists L;
        build_lists(&s, reach, &L);
        double E, W[6], *F = malloc(sizeof(double) * 3 * s.n);
        int stat = compute(&s, &L, virial, &E, F, W);
        if (stat != 0) { printf("status %d\n", stat); return 2; }
        printf("structure %s\nenergy %.17g\n", argv[a], E);
        double e2 = energy_only(&s, &L, &stat);
        if (stat != 0) { printf("status %d\n", stat); return 2; }
        printf("energy_only %.17g\n", e2);
        for (int i = 0; i < s.n; i++) printf("force %.17g %.17g %.17g\n", F[3 * i], F[3 * i + 1], F[3 * i + 2]);
        if (virial) printf("virial %.17g %.17g %.17g %.17g %.17g %.17g\n", W[0], W[1], W[2], W[3], W[4], W[5]);
        if (threads) {
            Job jobs[4];
            pthread_t tid[4];
            for (int t = 0; t < 4; t++) {
                jobs[t] = (Job){ .s = &s, .L = &L, .F = malloc(sizeof(double) * 3 * s.n), .repeats = 20 };
                pthread_create(&tid[t], NULL, run_job, &jobs[t]);
            }
            int same = 1;
            for (int t = 0; t < 4; t++) {
                pthread_join(tid[t], NULL);
                same &= jobs[t].stat == 0 && jobs[t].energy == E && !memcmp(jobs[t].F, F, sizeof(double) * 3 * s.n);
                free(jobs[t].F);
            }
            printf("threads %s\n", same ? "identical" : "DIFFERENT");
        }
        free(F);
    }
    int stat;
    aenet_final(&stat);
    return 0;
}
