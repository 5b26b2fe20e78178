package dev.jemu.target.x86.fpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects cases (an oracle input line plus the Java outcome and what of it to compare), runs them all through
 * the host in one batch and counts the mismatches.
 */
final class HostCheck {
    /** An outcome in the oracle's output format. */
    record Out(int rse, long rsig, int r2se, long r2sig, int sw) {
        static Out parse(String line) {
            String[] f = line.trim().split(" ");
            if (f.length != 5) {
                throw new IllegalStateException("oracle said: " + line);
            }
            return new Out(Integer.parseInt(f[0], 16), Long.parseUnsignedLong(f[1], 16),
                    Integer.parseInt(f[2], 16), Long.parseUnsignedLong(f[3], 16), Integer.parseInt(f[4], 16));
        }

        /** Outcome of a register operation from the env: result, second result, flags and condition codes. */
        static Out of(FpuEnv e) {
            return new Out(e.se & 0xFFFF, e.sig, e.se2 & 0xFFFF, e.sig2, e.flags | e.cc);
        }
    }

    /** Which parts of an outcome to compare. */
    record Spec(boolean r, boolean r2, int swMask) {}

    static final int EXC = 0x3F;
    static final Spec ARITH = new Spec(true, false, EXC | FpuEnv.C1);

    private record Case(String line, Out java, Spec spec) {}

    private final String title;
    private final List<Case> cases = new ArrayList<>();
    final List<String> mismatches = new ArrayList<>();
    int count;

    HostCheck(String title) {
        this.title = title;
    }

    void add(String line, Out java, Spec spec) {
        cases.add(new Case(line, java, spec));
    }

    /** Runs the batch; returns the number of mismatches (the first few are printed). */
    int run() {
        List<String> host = HostX87.run(cases.stream().map(Case::line).toList());
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Out h = Out.parse(host.get(i));
            if (!same(h, c.java, c.spec)) {
                mismatches.add(c.line + "\n    host " + fmt(h, c.spec) + "\n    java " + fmt(c.java, c.spec));
            }
        }
        count = cases.size();
        System.out.printf("%s: %d of %d cases match the host%n", title, count - mismatches.size(), count);
        mismatches.stream().limit(25).forEach(m -> System.out.println("  MISMATCH " + m));
        return mismatches.size();
    }

    static boolean same(Out h, Out j, Spec s) {
        return (!s.r || h.rse == j.rse && h.rsig == j.rsig)
                && (!s.r2 || h.r2se == j.r2se && h.r2sig == j.r2sig)
                && (h.sw & s.swMask) == (j.sw & s.swMask);
    }

    static String fmt(Out o, Spec s) {
        return String.format("%04x:%016x %04x:%016x sw %04x", o.rse, o.rsig, o.r2se, o.r2sig, o.sw & s.swMask);
    }
}
