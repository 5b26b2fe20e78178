package dev.jemu.target.x86.fpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hot operations allocate nothing, and take tens of nanoseconds (printed, loosely bounded). */
class Float80PerformanceTest {
    private static final int N = 1 << 12;
    private final int[] se = new int[N];
    private final long[] sig = new long[N];
    private long sink;

    Float80PerformanceTest() {
        SplittableRandom r = new SplittableRandom(31);
        for (int i = 0; i < N; i++) {
            se[i] = (r.nextBoolean() ? 0x8000 : 0) | (F80.BIAS + r.nextInt(-200, 200));
            sig[i] = Long.MIN_VALUE | r.nextLong();
        }
    }

    private long run(int op, FpuEnv e, int rounds) {
        long acc = 0;
        for (int k = 0; k < rounds; k++) {
            for (int i = 0; i < N; i++) {
                int j = (i + 1) & (N - 1);
                switch (op) {
                    case 0 -> Float80.add(e, se[i], sig[i], se[j], sig[j]);
                    case 1 -> Float80.mul(e, se[i], sig[i], se[j], sig[j]);
                    case 2 -> Float80.div(e, se[i], sig[i], se[j], sig[j]);
                    case 3 -> Float80.sqrt(e, se[i] & 0x7FFF, sig[i]);
                    case 4 -> acc += Float80.compare(e, se[i], sig[i], se[j], sig[j], true);
                    case 5 -> acc += Float80.toDouble(e, se[i], sig[i]);
                    case 6 -> Float80.fromDouble(e, sig[i] >>> 2);
                    case 7 -> acc += Float80.toInt(e, se[i], sig[i], 32, false);
                    case 8 -> Float80.roundToInt(e, se[i], sig[i]);
                    default -> Float80.prem(e, se[i], sig[i], se[j], sig[j], false);
                }
                acc += e.sig;
            }
        }
        return acc;
    }

    @Test
    void hotOperationsDoNotAllocateAndAreFast() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String[] names = {"add", "mul", "div", "sqrt", "compare", "toDouble", "fromDouble", "toInt32", "frndint",
            "fprem"};
        FpuEnv e = new FpuEnv();
        for (int op = 0; op < names.length; op++) {
            sink += run(op, e, 200); // warm up the JIT
            long bytes = mx.getCurrentThreadAllocatedBytes();
            long t = System.nanoTime();
            sink += run(op, e, 100);
            long ns = System.nanoTime() - t;
            long allocated = mx.getCurrentThreadAllocatedBytes() - bytes;
            double perOp = (double) ns / (100.0 * N);
            System.out.printf("%-10s %6.1f ns/op, %d bytes allocated%n", names[op], perOp, allocated);
            assertTrue(allocated < 1024, names[op] + " allocated " + allocated + " bytes");
            assertTrue(perOp < 2000, names[op] + " took " + perOp + " ns"); // generous: shared 2-core machine
        }
    }
}
