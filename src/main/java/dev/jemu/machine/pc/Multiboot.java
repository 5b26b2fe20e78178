package dev.jemu.machine.pc;

import dev.jemu.cli.ToolError;
import dev.jemu.hw.nvram.FwCfg;
import dev.jemu.memory.PhysMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * -kernel for a multiboot v1 kernel, as QEMU 7.2's hw/i386/multiboot.c lays it out. QEMU copies the buffer
 * through its multiboot option ROM; we load it directly by default (no firmware code runs: faster, and the
 * kernel sees the e820 map SeaBIOS would give), and through SeaBIOS and our {@link MultibootRom} when the user
 * names the firmware with -bios (then BIOS services such as BIOS32/PCI BIOS are there, as under QEMU):
 * <ul>
 * <li>the header is the first 0x1BADB002 with a valid checksum at a 4-byte boundary of the first 8 KiB;</li>
 * <li>with flag 16 (a.out kludge) the image is loaded from the file at load_addr per header_addr/load_end_addr,
 * bss zeroed up to bss_end_addr; otherwise it must be a 32-bit ELF whose PT_LOAD segments go to their physical
 * addresses (the entry point translated from virtual to physical as QEMU's ELF loader does);</li>
 * <li>after the kernel (page aligned), the module list, the command lines and the boot loader name "qemu", then
 * each module of the -initrd comma list (",," is a literal comma; text after a space is the module's command line)
 * at a page-aligned address; the kernel's command line is "FILE ARGS" as QEMU gives it;</li>
 * <li>the mbi at 0x9500 with mem_lower 640, mem_upper from the e820 entry at 1 MiB (as multiboot.bin computes it),
 * boot device 0x8000ffff, and the memory map at 0x9000 in the e820 layout SeaBIOS would report;</li>
 * <li>the CPU in 32-bit protected mode, flat segments, paging off, IF=0, EAX=0x2BADB002, EBX=the mbi.</li>
 * </ul>
 */
public final class Multiboot {
    public static final int MAGIC = 0x1BADB002, BOOTLOADER_MAGIC = 0x2BADB002;
    public static final long MMAP = 0x9000, MBI = 0x9500;
    static final int MOD_SIZE = 16, PAGE = 4096;
    static final int FLAG_AOUT_KLUDGE = 0x10000, FLAG_VBE = 4;
    /** mbi flags QEMU sets: memory, boot device, cmdline, modules, mmap, boot loader name. */
    static final int MBI_FLAGS = 0x1 | 0x2 | 0x4 | 0x8 | 0x40 | 0x200;
    static final String BOOTLOADER = "qemu";

    /** Where things went (tests) and the entry point. */
    public record Loaded(long loadAddr, long entry, long bufSize, int modules, byte[] mbi, List<String> warnings) {}

    private Multiboot() {}

    /** The offset of a valid multiboot header in the first 8 KiB, or -1. */
    public static int findHeader(byte[] image) {
        for (int i = 0; i < 8192 - 48 && i + 12 <= image.length; i += 4) {
            if (LinuxBoot.le32(image, i) == MAGIC
                    && LinuxBoot.le32(image, i) + LinuxBoot.le32(image, i + 4) + LinuxBoot.le32(image, i + 8) == 0) return i;
        }
        return -1;
    }

    /**
     * Loads {@code kernel} (named {@code kernelName} on the command line) with {@code initrd} (the -initrd
     * string: a comma list of module files, each optionally followed by its arguments) into {@code phys}.
     * {@code e820} is the board's RAM map (the legacy reservations are added as SeaBIOS would).
     */
    public static Loaded load(PhysMemory phys, byte[] kernel, String kernelName, String initrd, String cmdline,
                              List<FwCfg.E820Entry> e820, boolean amdHole) {
        Image im = prepare(kernel, kernelName, initrd, cmdline, e820, amdHole);
        long top = 0;
        for (FwCfg.E820Entry e : e820) if (e.type() == FwCfg.E820Entry.RAM) top = Math.max(top, e.address() + e.length());
        if (im.loadAddr + im.image.length > top) throw new ToolError("kernel does not fit in RAM (needs up to 0x"
                + Long.toHexString(im.loadAddr + im.image.length) + ", RAM ends at 0x" + Long.toHexString(top) + ")");
        phys.writeBytes(im.loadAddr, im.image, 0, im.image.length);
        phys.writeBytes(MMAP, im.mmap, 0, im.mmap.length);
        phys.writeBytes(MBI, im.mbi, 0, im.mbi.length);
        return new Loaded(im.loadAddr, im.entry, im.image.length, im.modules, im.mbi, im.warnings);
    }

    /**
     * The same kernel for {@link MultibootRom} (through SeaBIOS, as QEMU boots every multiboot kernel): the buffer
     * in fw_cfg KERNEL_ADDR/SIZE/DATA with the entry in KERNEL_ENTRY, the mbi in INITRD_ADDR/SIZE/DATA; the ROM
     * fills the memory map and mem_upper from the BIOS's e820.
     */
    public static List<String> loadForFirmware(FwCfg fw, byte[] kernel, String kernelName, String initrd, String cmdline,
                                               List<FwCfg.E820Entry> e820) {
        Image im = prepare(kernel, kernelName, initrd, cmdline, e820, false);
        ByteBuffer.wrap(im.mbi).order(ByteOrder.LITTLE_ENDIAN).putInt(44, 0); // mmap_length: the ROM's
        fw.addI32(FwCfg.KERNEL_ENTRY, im.entry);
        fw.setKernel(im.loadAddr, im.image);
        fw.setInitrd(MBI, im.mbi);
        MultibootRom.install(fw);
        return im.warnings;
    }

    /** A kernel laid out for loading: the buffer at loadAddr (kernel, module list, strings, modules), mbi, mmap. */
    record Image(long loadAddr, long entry, byte[] image, byte[] mbi, byte[] mmap, int modules, List<String> warnings) {}

    static Image prepare(byte[] kernel, String kernelName, String initrd, String cmdline, List<FwCfg.E820Entry> e820,
                         boolean amdHole) {
        int h = findHeader(kernel);
        if (h < 0) throw new ToolError("invalid kernel header");
        int flags = LinuxBoot.le32(kernel, h + 4);
        List<String> warnings = new ArrayList<>();
        if ((flags & FLAG_VBE) != 0) warnings.add("multiboot knows VBE. we don't"); // QEMU's words
        byte[] buf;
        long loadAddr, entry;
        if ((flags & FLAG_AOUT_KLUDGE) == 0) {
            Elf elf = Elf.load(kernel);
            loadAddr = elf.low;
            entry = elf.entry;
            buf = elf.image;
        } else {
            if (h + 32 > kernel.length) throw new ToolError("invalid kernel header");
            long headerAddr = u32(kernel, h + 12), load = u32(kernel, h + 16), loadEnd = u32(kernel, h + 20),
                    bssEnd = u32(kernel, h + 24);
            entry = u32(kernel, h + 28);
            if (headerAddr < load) throw new ToolError("invalid load_addr address");
            if (headerAddr - load > h) throw new ToolError("invalid header_addr address");
            long textOffset = h - (headerAddr - load), loadSize;
            if (loadEnd != 0) {
                if (loadEnd < load) throw new ToolError("invalid load_end_addr address");
                loadSize = loadEnd - load;
            } else {
                loadSize = kernel.length - textOffset;
            }
            if (loadSize > 0xffffffffL - load) throw new ToolError("kernel does not fit in address space");
            long size = loadSize;
            if (bssEnd != 0) {
                if (bssEnd < load + loadSize) throw new ToolError("invalid bss_end_addr address");
                size = bssEnd - load;
            }
            if (textOffset + loadSize > kernel.length) throw new ToolError("fread() failed");
            buf = new byte[Math.toIntExact(size)];
            System.arraycopy(kernel, (int) textOffset, buf, 0, (int) loadSize);
            loadAddr = load;
        }

        // The buffer after the kernel: module structs, command lines, boot loader name; then the modules.
        List<String> mods = initrd == null ? List.of() : splitModules(initrd);
        long bufSize = align(buf.length);
        long offMbinfo = bufSize;
        String kcmd = kernelName + " " + (cmdline == null ? "" : cmdline);
        int cmdlineLen = kernelName.length() + 1 + (cmdline == null ? 0 : cmdline.length()) + 1;
        if (initrd != null) cmdlineLen += initrd.length() + 1;
        long offCmdlines = offMbinfo + (long) mods.size() * MOD_SIZE;
        long offBootloader = offCmdlines + cmdlineLen;
        bufSize = align(bufSize + cmdlineLen + (long) MOD_SIZE * mods.size() + BOOTLOADER.length() + 1);
        List<byte[]> modData = new ArrayList<>();
        List<long[]> modAt = new ArrayList<>();
        long cmdlinesUsed = 0;
        byte[] tail = new byte[Math.toIntExact(bufSize - offMbinfo)];
        ByteBuffer t = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < mods.size(); i++) {
            String m = mods.get(i);
            long c = loadAddr + offCmdlines + cmdlinesUsed;
            cmdlinesUsed += putString(tail, (int) (offCmdlines - offMbinfo + cmdlinesUsed), m);
            int sp = m.indexOf(' ');
            String file = sp < 0 ? m : m.substring(0, sp);
            byte[] data = readModule(file);
            long at = bufSize;
            bufSize = align(bufSize + data.length);
            modData.add(data);
            modAt.add(new long[]{at});
            t.putInt(i * MOD_SIZE, (int) (loadAddr + at));
            t.putInt(i * MOD_SIZE + 4, (int) (loadAddr + at + data.length));
            t.putInt(i * MOD_SIZE + 8, (int) c);
        }
        long kcmdAddr = loadAddr + offCmdlines + cmdlinesUsed;
        putString(tail, (int) (offCmdlines - offMbinfo + cmdlinesUsed), kcmd);
        putString(tail, (int) (offBootloader - offMbinfo), BOOTLOADER);
        if (loadAddr + bufSize > 0x100000000L) throw new ToolError("kernel does not fit in address space");

        // The memory map at 0x9000 (size-prefixed e820 entries), mem_upper from the entry at 1 MiB.
        List<FwCfg.E820Entry> map = LinuxBoot.e820Map(e820);
        if (!amdHole) map.removeIf(e -> e.address() == 0xfd00000000L);
        ByteBuffer mm = ByteBuffer.allocate(map.size() * 24).order(ByteOrder.LITTLE_ENDIAN);
        long memUpper = 0;
        for (FwCfg.E820Entry e : map) {
            mm.putInt(20).putLong(e.address()).putLong(e.length()).putInt(e.type());
            if (e.address() == 0x100000 && e.type() == FwCfg.E820Entry.RAM) memUpper = e.length() >> 10;
        }
        byte[] mbi = new byte[0x58];
        ByteBuffer b = ByteBuffer.wrap(mbi).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, MBI_FLAGS);
        b.putInt(4, 640);
        b.putInt(8, (int) memUpper);
        b.putInt(12, 0x8000ffff);
        b.putInt(16, (int) kcmdAddr);
        b.putInt(20, mods.size());
        b.putInt(24, (int) (loadAddr + offMbinfo));
        b.putInt(44, mm.capacity());
        b.putInt(48, (int) MMAP);
        b.putInt(64, (int) (loadAddr + offBootloader));

        byte[] image = new byte[Math.toIntExact(bufSize)];
        System.arraycopy(buf, 0, image, 0, buf.length);
        System.arraycopy(tail, 0, image, (int) offMbinfo, tail.length);
        for (int i = 0; i < modData.size(); i++) System.arraycopy(modData.get(i), 0, image, (int) modAt.get(i)[0], modData.get(i).length);
        return new Image(loadAddr, entry, image, mbi, mm.array(), mods.size(), warnings);
    }

    /** QEMU's get_opt_value split of the -initrd string: commas separate, ",," is a comma. */
    static List<String> splitModules(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',') {
                if (i + 1 < s.length() && s.charAt(i + 1) == ',') {
                    cur.append(',');
                    i++;
                    continue;
                }
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static byte[] readModule(String file) {
        try {
            return java.nio.file.Files.readAllBytes(Path.of(file));
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            throw new ToolError("Failed to open file '" + file + "'");
        }
    }

    private static int putString(byte[] dst, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, dst, off, b.length);
        dst[off + b.length] = 0;
        return b.length + 1;
    }

    static long align(long v) {
        return (v + PAGE - 1) & -PAGE;
    }

    static long u32(byte[] a, int o) {
        return Integer.toUnsignedLong(LinuxBoot.le32(a, o));
    }

    /** A 32-bit x86 ELF executable's PT_LOAD segments as one buffer from the lowest physical address. */
    static final class Elf {
        long low, entry;
        byte[] image;

        static Elf load(byte[] f) {
            if (f.length < 52 || LinuxBoot.le32(f, 0) != 0x464c457f) throw new ToolError("Error while loading elf kernel");
            int machine = LinuxBoot.le16(f, 18);
            if (f[4] == 2 || machine == 62) throw new ToolError("Cannot load x86-64 image, give a 32bit one.");
            if (f[4] != 1 || f[5] != 1 || machine != 3) throw new ToolError("Error while loading elf kernel");
            long eEntry = u32(f, 24);
            int phoff = LinuxBoot.le32(f, 28), phentsize = LinuxBoot.le16(f, 42), phnum = LinuxBoot.le16(f, 44);
            Elf e = new Elf();
            e.entry = eEntry;
            long low = Long.MAX_VALUE, high = 0;
            List<long[]> segs = new ArrayList<>();
            for (int i = 0; i < phnum; i++) {
                int p = phoff + i * phentsize;
                if (p < 0 || p + 32 > f.length) throw new ToolError("Error while loading elf kernel");
                if (LinuxBoot.le32(f, p) != 1) continue; // PT_LOAD
                long off = u32(f, p + 4), vaddr = u32(f, p + 8), paddr = u32(f, p + 12), filesz = u32(f, p + 16),
                        memsz = u32(f, p + 20), pflags = u32(f, p + 24);
                if (memsz == 0) continue;
                if (off + filesz > f.length || filesz > memsz) throw new ToolError("Error while loading elf kernel");
                segs.add(new long[]{off, paddr, filesz, memsz});
                low = Math.min(low, paddr);
                high = Math.max(high, paddr + memsz);
                // the entry point is virtual: translate it through the executable segment that holds it
                if (vaddr != paddr && (pflags & 1) != 0 && eEntry >= vaddr && eEntry < vaddr + filesz)
                    e.entry = eEntry - vaddr + paddr;
            }
            if (segs.isEmpty() || high - low > Integer.MAX_VALUE) throw new ToolError("Error while loading elf kernel");
            e.low = low;
            e.image = new byte[(int) (high - low)];
            for (long[] s : segs) System.arraycopy(f, (int) s[0], e.image, (int) (s[1] - low), (int) s[2]);
            return e;
        }
    }
}
