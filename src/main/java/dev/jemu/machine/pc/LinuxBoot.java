package dev.jemu.machine.pc;

import dev.jemu.cli.ToolError;
import dev.jemu.hw.nvram.FwCfg;
import dev.jemu.memory.PhysMemory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * -kernel for a Linux bzImage (boot protocol 2.x), booted directly at its 32-bit entry point without firmware:
 * the protected-mode kernel at 1 MiB, the zero page (struct boot_params) built here with the setup header
 * copied from the image, the e820 map of the board, the command line, and the initrd placed as QEMU's
 * x86_load_linux places it (the highest 4 KiB-aligned address below initrd_addr_max and the RAM top less
 * QEMU's ACPI reservation). The CPU starts as the 32-bit boot protocol requires: protected mode, flat
 * __BOOT_CS (0x10) / __BOOT_DS (0x18) from a GDT of ours, IF=0, ESI = the zero page.
 */
public final class LinuxBoot {
    /** Where things go (QEMU: setup at 0x10000, cmdline at 0x20000, kernel at 1 MiB). */
    public static final long ZERO_PAGE = 0x10000, CMDLINE = 0x20000, KERNEL = 0x100000, GDT = 0x1000;
    static final int HDRS = 0x53726448; // "HdrS"
    /** QEMU 7.2's ACPI data reservation below the RAM top (checked: Linux's RAMDISK line under QEMU 7.2). */
    static final long ACPI_DATA_SIZE = 0x20000;
    public static final int BOOT_CS = 0x10, BOOT_DS = 0x18;
    /** The GDT entries: flat 4 GiB 32-bit code (execute/read) and data (read/write). */
    public static final long FLAT_CODE = 0x00cf9b000000ffffL, FLAT_DATA = 0x00cf93000000ffffL;

    /** What the CPU needs to start the kernel. */
    public record Entry(long eip, long esi, long gdtBase, int gdtLimit) {}

    /** The loaded image and where things went (tests). */
    public record Loaded(byte[] zeroPage, long initrdAddr, long initrdSize, int protocol, Entry entry) {}

    private LinuxBoot() {}

    /** True if {@code image} has the "HdrS" signature of a bzImage/zImage. */
    public static boolean isLinux(byte[] image) {
        return image.length >= 0x260 && le32(image, 0x202) == HDRS;
    }

    public static byte[] readFile(Path p, String what) {
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new ToolError("could not open " + what + " file '" + p + "': No such file or directory");
        } catch (IOException e) {
            String m = e.getMessage();
            if (e instanceof java.nio.file.AccessDeniedException) m = "Permission denied";
            throw new ToolError("could not open " + what + " file '" + p + "': " + m);
        }
    }

    /**
     * Loads the kernel (and initrd) into {@code phys} and returns the entry state. {@code belowFourG} is the RAM
     * below 4 GiB; {@code e820} the board's RAM map (reservations for the legacy areas are added here).
     */
    public static Loaded load(PhysMemory phys, byte[] kernel, byte[] initrd, String cmdline, long belowFourG,
                              List<FwCfg.E820Entry> e820) {
        if (!isLinux(kernel)) throw new ToolError("invalid kernel header");
        int protocol = le16(kernel, 0x206);
        if (protocol < 0x200 || (kernel[0x211] & 1) == 0) {
            throw new ToolError("the kernel is too old to boot (boot protocol " + proto(protocol) + ", not loaded high)");
        }
        int setupSects = kernel[0x1f1] & 0xff;
        if (setupSects == 0) setupSects = 4;
        int setupSize = (setupSects + 1) * 512;
        if (kernel.length < setupSize) throw new ToolError("invalid kernel header");
        if (cmdline == null) cmdline = "";
        int cmdlineMax = protocol >= 0x206 ? le32(kernel, 0x238) : 255;
        if (Integer.toUnsignedLong(cmdlineMax) < cmdline.length()) {
            throw new ToolError("kernel command line too long (max: " + cmdlineMax + ")");
        }

        long initrdMax = protocol >= 0x203 ? Integer.toUnsignedLong(le32(kernel, 0x22c)) : 0x37ffffffL;
        if (initrdMax >= belowFourG - ACPI_DATA_SIZE) initrdMax = belowFourG - ACPI_DATA_SIZE - 1;

        // The zero page: zeroed, then the setup header as the image has it (0x1f1 up to 0x202 + its length byte).
        byte[] zp = new byte[4096];
        int hdrEnd = Math.min(0x202 + (kernel[0x201] & 0xff), setupSize);
        System.arraycopy(kernel, 0x1f1, zp, 0x1f1, hdrEnd - 0x1f1);
        ByteBuffer b = ByteBuffer.wrap(zp).order(ByteOrder.LITTLE_ENDIAN);
        int vid = videoMode(cmdline);
        if (vid >= 0) b.putShort(0x1fa, (short) vid); // vid_mode, as QEMU patches it
        b.put(0x210, (byte) 0xb0); // type_of_loader: QEMU's
        b.put(0x211, (byte) (zp[0x211] | 0x80)); // CAN_USE_HEAP
        b.putShort(0x224, (short) (CMDLINE - ZERO_PAGE - 0x200)); // heap_end_ptr, as QEMU sets it
        b.putInt(0x228, (int) CMDLINE);
        b.putInt(0x214, (int) KERNEL); // code32_start: where we put it

        long initrdAddr = 0, initrdSize = 0;
        if (initrd != null) {
            initrdSize = initrd.length;
            if (initrdSize >= initrdMax) {
                throw new ToolError("initrd is too large, cannot support. (max: " + initrdMax + ", need " + initrdSize + ")");
            }
            initrdAddr = (initrdMax - initrdSize) & ~4095L;
            b.putInt(0x218, (int) initrdAddr);
            b.putInt(0x21c, (int) initrdSize);
        }

        // e820: the board's RAM with the legacy holes carved out, as SeaBIOS would report it.
        int n = 0;
        for (FwCfg.E820Entry e : e820Map(e820)) {
            if (n == 128) break;
            int off = 0x2d0 + n * 20;
            b.putLong(off, e.address());
            b.putLong(off + 8, e.length());
            b.putInt(off + 16, e.type());
            n++;
        }
        b.put(0x1e8, (byte) n);
        long ramTop = 0;
        for (FwCfg.E820Entry e : e820) if (e.type() == FwCfg.E820Entry.RAM) ramTop = Math.max(ramTop, e.address() + e.length());
        b.putInt(0x1e0, (int) Math.min(0xffffffffL, Math.max(0, (Math.min(ramTop, belowFourG) - 0x100000) >> 10))); // alt_mem_k

        // Guest memory: kernel, command line, zero page, GDT, initrd.
        phys.writeBytes(KERNEL, kernel, setupSize, kernel.length - setupSize);
        byte[] cl = new byte[cmdline.length() + 1];
        for (int i = 0; i < cmdline.length(); i++) cl[i] = (byte) cmdline.charAt(i);
        phys.writeBytes(CMDLINE, cl, 0, cl.length);
        phys.writeBytes(ZERO_PAGE, zp, 0, zp.length);
        byte[] gdt = gdt();
        phys.writeBytes(GDT, gdt, 0, gdt.length);
        if (initrd != null) phys.writeBytes(initrdAddr, initrd, 0, initrd.length);

        return new Loaded(zp, initrdAddr, initrdSize, protocol, new Entry(KERNEL, ZERO_PAGE, GDT, gdt.length - 1));
    }

    /**
     * Whether {@code kernel} is booted directly at its 32-bit entry ({@link #load}) rather than through SeaBIOS and
     * {@link LinuxBootRom}. Direct boot (no firmware code runs, the fastest way, and what Debian's kernels and
     * memtest86+ are tested with) needs a bzImage whose protected-mode part is a real 32-bit entry: boot protocol
     * 2.02 or later (cmd_line_ptr), loaded high, code32_start at the standard 1 MiB. Anything else goes through the
     * firmware as QEMU boots every -kernel: images whose setup code is the program and needs BIOS services
     * (ipxe.lkrn sets code32_start 0), old or low-loaded zImages, files with no "HdrS" at all; and every kernel
     * when the user names the firmware with -bios, who then expects it to run.
     */
    public static boolean bootsDirectly(byte[] kernel, boolean biosGiven) {
        return !biosGiven && isLinux(kernel) && le16(kernel, 0x206) >= 0x202 && (kernel[0x211] & 1) != 0
                && Integer.toUnsignedLong(le32(kernel, 0x214)) == KERNEL;
    }

    /**
     * -kernel through the firmware, as QEMU 7.2's x86_load_linux prepares it for its linuxboot ROM: the setup
     * (with the header patched: command line pointer, loader type, heap end, initrd), the protected-mode kernel,
     * the command line and the initrd go to fw_cfg with their load addresses, for {@link LinuxBootRom}. A file
     * without "HdrS" is treated as a protocol-0 zImage, as QEMU does. Errors are QEMU's.
     */
    public static void loadForFirmware(FwCfg fw, byte[] kernel, byte[] initrd, String cmdline, long belowFourG) {
        if (cmdline == null) cmdline = "";
        byte[] header = java.util.Arrays.copyOf(kernel, Math.max(8192, 0x260));
        int protocol = isLinux(kernel) ? le16(kernel, 0x206) : 0;
        int cmdlineSize = (cmdline.length() + 16) & ~15;
        long realAddr, cmdlineAddr, protAddr;
        if (protocol < 0x200 || (header[0x211] & 1) == 0) {
            realAddr = 0x90000;
            cmdlineAddr = 0x9a000 - cmdlineSize;
            protAddr = 0x10000;
        } else if (protocol < 0x202) {
            realAddr = 0x90000;
            cmdlineAddr = 0x9a000 - cmdlineSize;
            protAddr = 0x100000;
        } else {
            realAddr = ZERO_PAGE;
            cmdlineAddr = CMDLINE;
            protAddr = KERNEL;
        }
        long initrdMax = protocol >= 0x203 ? Integer.toUnsignedLong(le32(header, 0x22c)) : 0x37ffffffL;
        if (initrdMax >= belowFourG - ACPI_DATA_SIZE) initrdMax = belowFourG - ACPI_DATA_SIZE - 1;
        int cmdlineMax = protocol >= 0x206 ? le32(header, 0x238) : 255;
        if (protocol >= 0x200 && Integer.toUnsignedLong(cmdlineMax) < cmdline.length()) {
            throw new ToolError("kernel command line too long (max: " + cmdlineMax + ")");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int vid = videoMode(cmdline);
        if (vid >= 0) h.putShort(0x1fa, (short) vid);
        if (protocol >= 0x202) {
            h.putInt(0x228, (int) cmdlineAddr);
        } else {
            h.putShort(0x20, (short) 0xa33f);
            h.putShort(0x22, (short) (cmdlineAddr - realAddr));
        }
        if (protocol >= 0x200) header[0x210] = (byte) 0xb0;
        if (protocol >= 0x201) {
            header[0x211] |= (byte) 0x80;
            h.putShort(0x224, (short) (cmdlineAddr - realAddr - 0x200));
        }
        if (initrd != null) {
            if (protocol < 0x200) throw new ToolError("linux kernel too old to load a ram disk");
            if (initrd.length >= initrdMax) {
                throw new ToolError("initrd is too large, cannot support. (max: " + initrdMax + ", need " + initrd.length + ")");
            }
            long initrdAddr = (initrdMax - initrd.length) & ~4095L;
            fw.setInitrd(initrdAddr, initrd);
            h.putInt(0x218, (int) initrdAddr);
            h.putInt(0x21c, initrd.length);
        }
        int setupSects = header[0x1f1] & 0xff;
        if (setupSects == 0) setupSects = 4;
        int setupSize = (setupSects + 1) * 512;
        if (setupSize > kernel.length) throw new ToolError("invalid kernel header");
        byte[] setup = java.util.Arrays.copyOf(kernel, setupSize);
        System.arraycopy(header, 0, setup, 0, Math.min(header.length, setupSize));
        fw.setKernel(protAddr, java.util.Arrays.copyOfRange(kernel, setupSize, kernel.length));
        fw.setSetup(realAddr, setup);
        fw.setCmdline(cmdlineAddr, cmdline);
        LinuxBootRom.install(fw);
    }

    /**
     * The vid_mode for the setup header from a "vga=" on the command line (QEMU's x86_load_linux: the first
     * "vga=" anywhere; normal, ext, ask or a number in C syntax ending at a space or the end), or -1 if none.
     */
    static int videoMode(String cmdline) {
        int i = cmdline.indexOf("vga=");
        if (i < 0) return -1;
        String v = cmdline.substring(i + 4);
        if (v.startsWith("normal")) return 0xffff;
        if (v.startsWith("ext")) return 0xfffe;
        if (v.startsWith("ask")) return 0xfffd;
        int end = v.indexOf(' ');
        String num = end < 0 ? v : v.substring(0, end);
        try {
            long n;
            if (num.startsWith("0x") || num.startsWith("0X")) n = Long.parseLong(num.substring(2), 16);
            else if (num.length() > 1 && num.startsWith("0")) n = Long.parseLong(num.substring(1), 8);
            else n = Long.parseLong(num);
            if (n < 0 || n > 0xffffffffL) throw new NumberFormatException();
            return (int) n & 0xffff;
        } catch (NumberFormatException e) {
            throw new ToolError("invalid 'vga=' kernel parameter.");
        }
    }

    /** Our boot GDT (32 bytes, for GDT): null, null, flat code at BOOT_CS, flat data at BOOT_DS. */
    public static byte[] gdt() {
        byte[] gdt = new byte[32];
        ByteBuffer g = ByteBuffer.wrap(gdt).order(ByteOrder.LITTLE_ENDIAN);
        g.putLong(BOOT_CS, FLAT_CODE);
        g.putLong(BOOT_DS, FLAT_DATA);
        return gdt;
    }

    /** The e820 map the kernel sees: RAM below 640 KiB minus the EBDA, the BIOS area reserved, RAM above. */
    static List<FwCfg.E820Entry> e820Map(List<FwCfg.E820Entry> ram) {
        // As Linux reports it under QEMU 7.2 + SeaBIOS: the EBDA and BIOS area, SeaBIOS's 128 KiB at the top of
        // low RAM (its ACPI tables), the BIOS ROM, and QEMU's AMD HyperTransport hole below 1 TiB.
        List<FwCfg.E820Entry> out = new java.util.ArrayList<>();
        for (FwCfg.E820Entry e : ram) {
            if (e.type() == FwCfg.E820Entry.RAM && e.address() == 0) {
                out.add(new FwCfg.E820Entry(0, 0x9fc00, FwCfg.E820Entry.RAM));
                out.add(new FwCfg.E820Entry(0x9fc00, 0x400, FwCfg.E820Entry.RESERVED));
                out.add(new FwCfg.E820Entry(0xf0000, 0x10000, FwCfg.E820Entry.RESERVED));
                long top = e.length() - ACPI_DATA_SIZE;
                if (top > 0x100000) out.add(new FwCfg.E820Entry(0x100000, top - 0x100000, FwCfg.E820Entry.RAM));
                out.add(new FwCfg.E820Entry(top, ACPI_DATA_SIZE, FwCfg.E820Entry.RESERVED));
            } else {
                out.add(e);
            }
        }
        out.add(new FwCfg.E820Entry(0xfffc0000L, 0x40000, FwCfg.E820Entry.RESERVED));
        out.add(new FwCfg.E820Entry(0xfd00000000L, 0x300000000L, FwCfg.E820Entry.RESERVED));
        out.sort((x, y) -> Long.compareUnsigned(x.address(), y.address()));
        return out;
    }

    static String proto(int p) {
        return (p >> 8) + "." + String.format("%02d", p & 0xff);
    }

    static int le16(byte[] a, int o) {
        return (a[o] & 0xff) | (a[o + 1] & 0xff) << 8;
    }

    static int le32(byte[] a, int o) {
        return le16(a, o) | le16(a, o + 2) << 16;
    }
}
