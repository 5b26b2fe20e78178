package dev.jemu.machine.pc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small AML encoder (ACPI 6.x section 20) for the DSDT the pc machine hands the guest: names, integers,
 * strings, packages, buffers, scopes, devices, methods that return a constant, and resource templates.
 * Every builder returns the encoded bytes; callers nest them.
 */
public final class Aml {
    private Aml() {
    }

    public static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    /** PkgLength for a body of {@code len} bytes (the encoding counts its own bytes). */
    static byte[] pkgLength(int len) {
        if (len + 1 < 0x40) return new byte[]{(byte) (len + 1)};
        if (len + 2 < 0x1000) {
            int t = len + 2;
            return new byte[]{(byte) (0x40 | (t & 0xf)), (byte) (t >>> 4)};
        }
        if (len + 3 < 0x100000) {
            int t = len + 3;
            return new byte[]{(byte) (0x80 | (t & 0xf)), (byte) (t >>> 4), (byte) (t >>> 12)};
        }
        int t = len + 4;
        return new byte[]{(byte) (0xc0 | (t & 0xf)), (byte) (t >>> 4), (byte) (t >>> 12), (byte) (t >>> 20)};
    }

    private static byte[] withPkg(byte[] op, byte[] body) {
        return cat(op, pkgLength(body.length), body);
    }

    /** A NameString: "\\_SB_.PCI0", "_HID", "^FOO"; segments shorter than 4 are padded with '_'. */
    public static byte[] nameString(String path) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int i = 0;
        while (i < path.length() && (path.charAt(i) == '\\' || path.charAt(i) == '^')) o.write(path.charAt(i++));
        String rest = path.substring(i);
        if (rest.isEmpty()) {
            o.write(0);
            return o.toByteArray();
        }
        String[] segs = rest.split("\\.");
        if (segs.length == 2) o.write(0x2e);
        else if (segs.length > 2) {
            o.write(0x2f);
            o.write(segs.length);
        }
        for (String s : segs) {
            String p = (s + "____").substring(0, 4);
            o.writeBytes(p.getBytes(StandardCharsets.US_ASCII));
        }
        return o.toByteArray();
    }

    /** The smallest integer encoding (Zero, One, Ones, Byte/Word/DWord/QWord constants). */
    public static byte[] integer(long v) {
        if (v == 0) return new byte[]{0x00};
        if (v == 1) return new byte[]{0x01};
        if (v >= 0 && v <= 0xff) return new byte[]{0x0a, (byte) v};
        if (v >= 0 && v <= 0xffff) return new byte[]{0x0b, (byte) v, (byte) (v >>> 8)};
        if (v >= 0 && v <= 0xffffffffL) return new byte[]{0x0c, (byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
        byte[] b = new byte[9];
        b[0] = 0x0e;
        for (int k = 0; k < 8; k++) b[1 + k] = (byte) (v >>> (8 * k));
        return b;
    }

    public static byte[] string(String s) {
        return cat(new byte[]{0x0d}, s.getBytes(StandardCharsets.US_ASCII), new byte[]{0});
    }

    /** EISAID("PNP0A03") as its 32-bit compressed integer. */
    public static long eisaId(String id) {
        int c1 = id.charAt(0) - 0x40, c2 = id.charAt(1) - 0x40, c3 = id.charAt(2) - 0x40;
        int prod = Integer.parseInt(id.substring(3), 16);
        int v = (c1 << 26) | (c2 << 21) | (c3 << 16) | prod;
        // stored big-endian in the 32-bit value (the id's bytes in reading order)
        return Integer.reverseBytes(v >>> 16 << 16 | (v & 0xffff)) & 0xffffffffL;
    }

    /** Name(name, value). */
    public static byte[] name(String name, byte[] value) {
        return cat(new byte[]{0x08}, nameString(name), value);
    }

    public static byte[] scope(String name, byte[]... body) {
        return withPkg(new byte[]{0x10}, cat(nameString(name), cat(body)));
    }

    public static byte[] device(String name, byte[]... body) {
        return withPkg(new byte[]{0x5b, (byte) 0x82}, cat(nameString(name), cat(body)));
    }

    /** Package(){elements}. */
    public static byte[] pkg(byte[]... elements) {
        return withPkg(new byte[]{0x12}, cat(new byte[]{(byte) elements.length}, cat(elements)));
    }

    public static byte[] buffer(byte[] data) {
        return withPkg(new byte[]{0x11}, cat(integer(data.length), data));
    }

    /** Method(name, 0, NotSerialized) { Return (value) }. */
    public static byte[] methodReturn(String name, byte[] value) {
        return withPkg(new byte[]{0x14}, cat(nameString(name), new byte[]{0x00, (byte) 0xa4}, value));
    }

    // ---- resource templates (section 6.4) ----

    /** IO(Decode16, min, min, 1, len). */
    public static byte[] io(int base, int len) {
        return new byte[]{0x47, 0x01, (byte) base, (byte) (base >>> 8), (byte) base, (byte) (base >>> 8), 0x01, (byte) len};
    }

    /** IRQNoFlags(){irq}. */
    public static byte[] irq(int irq) {
        return new byte[]{0x22, (byte) (1 << irq), (byte) ((1 << irq) >>> 8)};
    }

    /** Memory32Fixed(ReadWrite, base, len). */
    public static byte[] memory32Fixed(long base, long len) {
        byte[] b = new byte[12];
        b[0] = (byte) 0x86;
        b[1] = 9;
        b[3] = 1;
        for (int k = 0; k < 4; k++) {
            b[4 + k] = (byte) (base >>> (8 * k));
            b[8 + k] = (byte) (len >>> (8 * k));
        }
        return b;
    }

    /** WordBusNumber / WordIO: a 16-bit address space descriptor (type 2 bus, 1 I/O). */
    public static byte[] wordSpace(int type, int min, int max) {
        int len = max - min + 1;
        byte[] b = new byte[16];
        b[0] = (byte) 0x88;
        b[1] = 13;
        b[3] = (byte) type;
        b[4] = 0x0c; // min and max fixed, positive decode, producer (a root bridge's window)
        b[5] = (byte) (type == 1 ? 0x03 : 0x00); // I/O: entire range
        int[] f = {0, min, max, 0, len};
        for (int k = 0; k < 5; k++) {
            b[6 + 2 * k] = (byte) f[k];
            b[7 + 2 * k] = (byte) (f[k] >>> 8);
        }
        return b;
    }

    /** DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, cacheable, ReadWrite, min, max). */
    public static byte[] dwordMemory(long min, long max) {
        long len = max - min + 1;
        byte[] b = new byte[26];
        b[0] = (byte) 0x87;
        b[1] = 23;
        b[3] = 0;
        b[4] = 0x0c;
        b[5] = 0x03; // read-write, cacheable
        long[] f = {0, min, max, 0, len};
        for (int k = 0; k < 5; k++)
            for (int j = 0; j < 4; j++) b[6 + 4 * k + j] = (byte) (f[k] >>> (8 * j));
        return b;
    }

    /** ResourceTemplate(){items} as a buffer, with the end tag. */
    public static byte[] resources(byte[]... items) {
        return buffer(cat(cat(items), new byte[]{0x79, 0x00}));
    }
}
