package dev.jemu.cli;

import java.math.BigDecimal;
import java.math.BigInteger;

/** QEMU's size syntax (qemu_strtosz): a number, a fraction allowed, and an optional k/M/G/T/P/E/B suffix. */
public final class Sizes {
    private Sizes() {}

    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(64);

    /** Thrown with QEMU's wording for the parameter named {@code param}. */
    public static final class SizeError extends Exception {
        public final boolean range;

        SizeError(String msg, boolean range) {
            super(msg, null, false, false);
            this.range = range;
        }
    }

    /**
     * Parses {@code s}; a number without a suffix is in units of {@code defaultSuffix} ('B' for bytes, 'M' for
     * -m). Returns the size in bytes as an unsigned 64-bit value.
     */
    public static long parse(String s, char defaultSuffix, String param) throws SizeError {
        String invalid = "Parameter '" + param + "' expects a non-negative number below 2^64\n"
                + "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
                + "and exabytes, respectively.";
        int i = 0, n = s.length();
        BigDecimal value;
        if (n > 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) {
            i = 2;
            while (i < n && Character.digit(s.charAt(i), 16) >= 0) i++;
            if (i == 2) throw new SizeError(invalid, false);
            value = new BigDecimal(new BigInteger(s.substring(2, i), 16));
        } else {
            while (i < n && Character.isDigit(s.charAt(i))) i++;
            int intEnd = i;
            if (i < n && s.charAt(i) == '.') {
                i++;
                while (i < n && Character.isDigit(s.charAt(i))) i++;
            }
            if (intEnd == 0) throw new SizeError(invalid, false);
            value = new BigDecimal(s.substring(0, i).endsWith(".") ? s.substring(0, i - 1) : s.substring(0, i));
        }
        char suffix = defaultSuffix;
        if (i < n) {
            suffix = s.charAt(i++);
            if (i != n) throw new SizeError(invalid, false);
        }
        int shift = switch (Character.toUpperCase(suffix)) {
            case 'B' -> 0;
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            case 'P' -> 50;
            case 'E' -> 60;
            default -> -1;
        };
        if (shift < 0) throw new SizeError(invalid, false);
        BigInteger bytes = value.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(shift))).toBigInteger();
        if (bytes.compareTo(LIMIT) >= 0) {
            throw new SizeError("Value '" + s + "' is out of range for parameter '" + param + "'", true);
        }
        return bytes.longValue();
    }
}
