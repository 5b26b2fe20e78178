// bench-iterations: 25 (about 1-2 s natively; bench/run scales it with -s)
/* Floating-point work: an n-body simulation (sqrt, divides), a Mandelbrot set, and a dense
 * matrix multiply, in double precision. Usage: fp [ITERATIONS]; prints a checksum. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct { double x, y, z, vx, vy, vz, m; } body;

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 25;
    body bs[5] = {{0, 0, 0, 0, 0, 0, 39.47841760435743},
                  {4.84, -1.16, -0.10, 0.606, 2.81, -0.02, 0.037},
                  {8.34, 4.12, -0.40, -1.01, 1.82, 0.008, 0.011},
                  {12.89, -15.11, -0.22, 1.08, 0.868, -0.01, 0.0017},
                  {15.37, -25.91, 0.17, 0.979, 0.594, -0.034, 0.002}};
    enum { N = 160 };
    static double A[N][N], B[N][N], C[N][N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) A[i][j] = (i * 7 + j) % 13 * 0.25, B[i][j] = (i + j * 3) % 11 * 0.5;
    double sum = 0;
    for (long it = 0; it < iters; it++) {
        for (int step = 0; step < 100000; step++) {
            for (int i = 0; i < 5; i++)
                for (int j = i + 1; j < 5; j++) {
                    double dx = bs[i].x - bs[j].x, dy = bs[i].y - bs[j].y, dz = bs[i].z - bs[j].z;
                    double d2 = dx * dx + dy * dy + dz * dz, mag = 0.001 / (d2 * sqrt(d2));
                    bs[i].vx -= dx * bs[j].m * mag; bs[i].vy -= dy * bs[j].m * mag; bs[i].vz -= dz * bs[j].m * mag;
                    bs[j].vx += dx * bs[i].m * mag; bs[j].vy += dy * bs[i].m * mag; bs[j].vz += dz * bs[i].m * mag;
                }
            for (int i = 0; i < 5; i++) bs[i].x += 0.001 * bs[i].vx, bs[i].y += 0.001 * bs[i].vy, bs[i].z += 0.001 * bs[i].vz;
        }
        int inside = 0;
        for (int py = 0; py < 200; py++)
            for (int px = 0; px < 200; px++) {
                double cr = -2.0 + px * 0.0125, ci = -1.25 + py * 0.0125 + it * 1e-6, zr = 0, zi = 0;
                int k = 0;
                while (k < 200 && zr * zr + zi * zi < 4) { double t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; k++; }
                inside += k == 200;
            }
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++) {
                double aik = A[i][k] + it;
                for (int j = 0; j < N; j++) C[i][j] += aik * B[k][j];
            }
        sum += bs[0].x + inside + C[it % N][7] * 1e-9;
    }
    printf("fp %ld %.6e\n", iters, sum);
    return 0;
}
