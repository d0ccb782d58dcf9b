/*
 * bench_libaenet: energy + forces of a large rattled rutile TiO2 supercell through aenet's C
 * interface, with caller-built (LAMMPS-style) neighbour lists: ghost atoms, a full list per local
 * atom with a 1 A skin, one aenet_atomic_energy_and_forces call per atom. Links against any
 * libaenet (aenet-swift's or aenet's own), so both run the identical harness.
 *
 *   bench_libaenet Ti.nn O.nn NATOMS REPEATS
 *
 * Prints the cell, the mean neighbour count, the total energy and, per repeat, the CPU time of the
 * evaluation loop (CLOCK_PROCESS_CPUTIME_ID; list building excluded) and the time per atom.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "aenet.h"

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static unsigned long long rng_state = 88172645463325252ULL;
static double uniform(void) {   /* xorshift64, deterministic */
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
    return (rng_state >> 11) * (1.0 / 9007199254740992.0);
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: bench_libaenet Ti.nn O.nn NATOMS REPEATS\n"); return 1; }
    int target = atoi(argv[3]), repeats = atoi(argv[4]);
    /* rutile: a = 4.594 A, c = 2.959 A, u = 0.305, 6 atoms per cell */
    const double a = 4.594, c = 2.959, u = 0.305;
    const double frac[6][3] = { {0, 0, 0}, {0.5, 0.5, 0.5}, {u, u, 0}, {1 - u, 1 - u, 0},
                                {0.5 + u, 0.5 - u, 0.5}, {0.5 - u, 0.5 + u, 0.5} };
    const int ftype[6] = { 1, 1, 2, 2, 2, 2 };
    int na = 1, nc = 1;
    while (6 * na * na * nc < target) { if (na * a <= nc * c) na++; else nc++; }
    int n = 6 * na * na * nc;
    double L[3] = { na * a, na * a, nc * c };

    char *names[2] = { "Ti", "O" };
    int stat;
    aenet_init(2, names, &stat);
    aenet_load_potential(1, argv[1], &stat); if (stat) { fprintf(stderr, "cannot load %s\n", argv[1]); return 1; }
    aenet_load_potential(2, argv[2], &stat); if (stat) { fprintf(stderr, "cannot load %s\n", argv[2]); return 1; }
    double reach = aenet_Rc_max + 1.0;
    for (int k = 0; k < 3; k++) if (L[k] < 2 * reach) { fprintf(stderr, "cell too small for the cutoff\n"); return 1; }

    /* local atoms, rattled by up to 0.05 A */
    int cap = n * 4;
    double *x = malloc(sizeof(double) * 3 * cap);
    int *type = malloc(sizeof(int) * cap), *owner = malloc(sizeof(int) * cap);
    int m = 0;
    for (int i = 0; i < na; i++) for (int j = 0; j < na; j++) for (int k = 0; k < nc; k++)
        for (int s = 0; s < 6; s++) {
            x[3 * m] = (i + frac[s][0]) * a + 0.1 * (uniform() - 0.5);
            x[3 * m + 1] = (j + frac[s][1]) * a + 0.1 * (uniform() - 0.5);
            x[3 * m + 2] = (k + frac[s][2]) * c + 0.1 * (uniform() - 0.5);
            for (int q = 0; q < 3; q++) x[3 * m + q] -= L[q] * floor(x[3 * m + q] / L[q]);
            type[m] = ftype[s]; owner[m] = m; m++;
        }
    /* ghosts: images within `reach` of the box (orthorhombic) */
    int ntot = n;
    for (int t0 = -1; t0 <= 1; t0++) for (int t1 = -1; t1 <= 1; t1++) for (int t2 = -1; t2 <= 1; t2++) {
        if (!t0 && !t1 && !t2) continue;
        for (int i = 0; i < n; i++) {
            double p[3] = { x[3 * i] + t0 * L[0], x[3 * i + 1] + t1 * L[1], x[3 * i + 2] + t2 * L[2] };
            if (p[0] < -reach || p[0] > L[0] + reach || p[1] < -reach || p[1] > L[1] + reach ||
                p[2] < -reach || p[2] > L[2] + reach) continue;
            if (ntot == cap) { cap *= 2; x = realloc(x, sizeof(double) * 3 * cap); type = realloc(type, sizeof(int) * cap); owner = realloc(owner, sizeof(int) * cap); }
            memcpy(&x[3 * ntot], p, sizeof p); type[ntot] = type[i]; owner[ntot] = i; ntot++;
        }
    }
    /* binned full neighbour lists */
    int nb[3]; double bw[3];
    for (int k = 0; k < 3; k++) { nb[k] = (int)floor((L[k] + 2 * reach) / reach); bw[k] = (L[k] + 2 * reach) / nb[k]; }
    int nbins = nb[0] * nb[1] * nb[2];
    int *head = malloc(sizeof(int) * nbins), *next = malloc(sizeof(int) * ntot);
    for (int b = 0; b < nbins; b++) head[b] = -1;
    for (int g = ntot - 1; g >= 0; g--) {
        int bi[3];
        for (int k = 0; k < 3; k++) { bi[k] = (int)((x[3 * g + k] + reach) / bw[k]); if (bi[k] < 0) bi[k] = 0; if (bi[k] >= nb[k]) bi[k] = nb[k] - 1; }
        int b = (bi[0] * nb[1] + bi[1]) * nb[2] + bi[2];
        next[g] = head[b]; head[b] = g;
    }
    int *start = malloc(sizeof(int) * (n + 1));
    size_t lcap = (size_t)n * 200, used = 0;
    int *list = malloc(sizeof(int) * lcap);
    for (int i = 0; i < n; i++) {
        start[i] = (int)used;
        int bi[3];
        for (int k = 0; k < 3; k++) bi[k] = (int)((x[3 * i + k] + reach) / bw[k]);
        for (int d0 = -1; d0 <= 1; d0++) for (int d1 = -1; d1 <= 1; d1++) for (int d2 = -1; d2 <= 1; d2++) {
            int b0 = bi[0] + d0, b1 = bi[1] + d1, b2 = bi[2] + d2;
            if (b0 < 0 || b1 < 0 || b2 < 0 || b0 >= nb[0] || b1 >= nb[1] || b2 >= nb[2]) continue;
            for (int g = head[(b0 * nb[1] + b1) * nb[2] + b2]; g >= 0; g = next[g]) {
                if (g == i) continue;
                double r0 = x[3 * g] - x[3 * i], r1 = x[3 * g + 1] - x[3 * i + 1], r2 = x[3 * g + 2] - x[3 * i + 2];
                if (r0 * r0 + r1 * r1 + r2 * r2 >= reach * reach) continue;
                if (used == lcap) { lcap *= 2; list = realloc(list, sizeof(int) * lcap); }
                list[used++] = g;
            }
        }
    }
    start[n] = (int)used;
    int maxn = 0;
    for (int i = 0; i < n; i++) if (start[i + 1] - start[i] > maxn) maxn = start[i + 1] - start[i];
    double *coo = malloc(sizeof(double) * 3 * (maxn + 1));
    int *typ = malloc(sizeof(int) * (maxn + 1)), *idx = malloc(sizeof(int) * (maxn + 1));
    double *F = malloc(sizeof(double) * 3 * ntot);
    printf("cell %dx%dx%d rutile, %d atoms, %d ghosts, %.1f neighbours/atom within %.2f A (cutoff %.2f A + 1 A skin)\n",
           na, na, nc, n, ntot - n, (double)used / n, reach, aenet_Rc_max);
    for (int r = 0; r < repeats; r++) {
        memset(F, 0, sizeof(double) * 3 * ntot);
        double E = 0, t0 = cpu_seconds();
        for (int i = 0; i < n; i++) {
            int nj = start[i + 1] - start[i];
            for (int q = 0; q < nj; q++) {
                int g = list[start[i] + q];
                memcpy(&coo[3 * q], &x[3 * g], 3 * sizeof(double));
                typ[q] = type[g]; idx[q] = g + 1;
            }
            double Ei;
            aenet_atomic_energy_and_forces(&x[3 * i], type[i], i + 1, nj, coo, typ, idx, n, &Ei, F, &stat);
            if (stat) { fprintf(stderr, "status %d at atom %d\n", stat, i + 1); return 1; }
            E += Ei;
        }
        double t = cpu_seconds() - t0;
        double fsum[3] = {0, 0, 0};
        for (int g = 0; g < ntot; g++) for (int k = 0; k < 3; k++) fsum[k] += F[3 * g + k];
        printf("repeat %d: cpu %.3f s, %.2f us/atom, energy %.10f eV, |sum F| %.1e\n", r + 1, t, 1e6 * t / n, E,
               sqrt(fsum[0] * fsum[0] + fsum[1] * fsum[1] + fsum[2] * fsum[2]));
        fflush(stdout);
    }
    aenet_final(&stat);
    return 0;
}
