package dev.jemu.machine.pc;

import dev.jemu.cli.ToolError;
import dev.jemu.memory.PhysMemory;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Multiboot v1 loading as QEMU 7.2's hw/i386/multiboot.c lays it out (a.out kludge, ELF, modules, mbi, mmap). */
class MultibootTest {
    /** A 12 KiB a.out-kludge image: header at 0x1000 (so the search passes over zeros), linked at 2 MiB. */
    static byte[] aoutKernel(long bssEnd) {
        byte[] k = new byte[0x3000];
        ByteBuffer b = ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN);
        int flags = 0x10003;
        b.putInt(0x1000, Multiboot.MAGIC).putInt(0x1004, flags).putInt(0x1008, -(Multiboot.MAGIC + flags));
        b.putInt(0x100c, 0x201000); // header_addr: the header sits at file offset 0x1000
        b.putInt(0x1010, 0x200000); // load_addr: the file's start
        b.putInt(0x1014, 0x202800); // load_end_addr: 0x2800 bytes come from the file
        b.putInt(0x1018, (int) bssEnd);
        b.putInt(0x101c, 0x201040); // entry
        k[0x27ff] = 0x5a;
        k[0x2800] = 0x77; // beyond load_end: must not be loaded
        return k;
    }

    @Test
    void aoutKludgeModulesAndMbi() throws Exception {
        Path mod = Files.createTempFile("mbmod", ".bin");
        try {
            Files.write(mod, new byte[]{1, 2, 3, 4, 5});
            PhysMemory phys = LinuxBootTest.ram();
            phys.write(0x202800, 1, 0xee); // bss: zeroed by the loader
            String initrd = mod + " arg,," + "x," + mod;
            Multiboot.Loaded l = Multiboot.load(phys, aoutKernel(0x203000), "k.bin", initrd, "a=b", LinuxBootTest.e820(), false);
            assertEquals(0x200000, l.loadAddr());
            assertEquals(0x201040, l.entry());
            assertEquals(0x5a, phys.read(0x2027ff, 1));
            assertEquals(0, phys.read(0x202800, 1));
            assertEquals(2, l.modules());
            ByteBuffer mbi = ByteBuffer.wrap(l.mbi()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x24f, mbi.getInt(0));
            assertEquals(640, mbi.getInt(4));
            // mem_upper: the e820 entry at 1 MiB as SeaBIOS reports it (RAM top less its 128 KiB)
            assertEquals((LinuxBootTest.RAM - 0x20000 - 0x100000) >> 10, mbi.getInt(8));
            assertEquals(0x8000ffff, mbi.getInt(12));
            assertEquals("k.bin a=b", cstr(phys, mbi.getInt(16)));
            assertEquals("qemu", cstr(phys, mbi.getInt(64)));
            long mods = Integer.toUnsignedLong(mbi.getInt(24));
            assertEquals(0x203000, mods, "module list right after the page-aligned kernel");
            long m0 = phys.read(mods, 4), m0end = phys.read(mods + 4, 4), m1 = phys.read(mods + 16, 4);
            assertEquals(0, m0 & 0xfff);
            assertEquals(5, m0end - m0);
            assertEquals(m0 + 0x1000, m1, "modules page aligned");
            assertEquals(3, phys.read(m1 + 2, 1));
            assertEquals(mod + " arg,x", cstr(phys, phys.read(mods + 8, 4)), ",, is a literal comma");
            assertEquals(mod.toString(), cstr(phys, phys.read(mods + 16 + 8, 4)));
            // the memory map: size-prefixed e820 entries at 0x9000, as SeaBIOS's int 15h e820 gives them
            assertEquals(Multiboot.MMAP, mbi.getInt(48));
            int len = mbi.getInt(44);
            assertEquals(6 * 24, len);
            assertEquals(20, phys.read(Multiboot.MMAP, 4));
            assertEquals(0x9fc00, phys.read(Multiboot.MMAP + 12, 8));
            assertEquals(1, phys.read(Multiboot.MMAP + 20, 4));
        } finally {
            Files.deleteIfExists(mod);
        }
    }

    @Test
    void headerSearchNeedsTheChecksum() {
        byte[] k = aoutKernel(0);
        assertEquals(0x1000, Multiboot.findHeader(k));
        k[0x1008]++;
        assertEquals(-1, Multiboot.findHeader(k));
    }

    @Test
    void badAoutAddressesAndElfErrorsAreQemusMessages() {
        ToolError e = assertThrows(ToolError.class, () -> Multiboot.load(LinuxBootTest.ram(), aoutKernel(0x201000), "k", null, "",
                LinuxBootTest.e820(), false));
        assertEquals("invalid bss_end_addr address", e.getMessage());
        byte[] elf64 = new byte[0x2000];
        ByteBuffer b = ByteBuffer.wrap(elf64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464c457f).put(4, (byte) 2).put(5, (byte) 1).putShort(18, (short) 62);
        b.putInt(0x100, Multiboot.MAGIC).putInt(0x104, 3).putInt(0x108, -(Multiboot.MAGIC + 3));
        e = assertThrows(ToolError.class, () -> Multiboot.load(LinuxBootTest.ram(), elf64, "k", null, "", LinuxBootTest.e820(), false));
        assertEquals("Cannot load x86-64 image, give a 32bit one.", e.getMessage());
        b.put(4, (byte) 1).putShort(18, (short) 3).putInt(28, 0x1f00).putShort(44, (short) 0);
        e = assertThrows(ToolError.class, () -> Multiboot.load(LinuxBootTest.ram(), elf64, "k", null, "", LinuxBootTest.e820(), false));
        assertEquals("Error while loading elf kernel", e.getMessage());
    }

    @Test
    void elfSegmentsGoToPhysicalAddressesAndTheEntryIsTranslated() {
        byte[] f = new byte[0x3000];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464c457f).put(4, (byte) 1).put(5, (byte) 1).putShort(18, (short) 3);
        b.putInt(24, 0xc0400010).putInt(28, 52).putShort(42, (short) 32).putShort(44, (short) 2);
        // PT_LOAD text: file 0x1000, vaddr 0xc0400000, paddr 0x400000, 0x100 bytes, R+X
        b.putInt(52, 1).putInt(56, 0x1000).putInt(60, 0xc0400000).putInt(64, 0x400000).putInt(68, 0x100).putInt(72, 0x100).putInt(76, 5);
        // PT_LOAD data+bss: file 0x2000, paddr 0x401000, 0x10 bytes of file, 0x2000 in memory
        b.putInt(84, 1).putInt(88, 0x2000).putInt(92, 0xc0401000).putInt(96, 0x401000).putInt(100, 0x10).putInt(104, 0x2000).putInt(108, 6);
        b.putInt(0x800, Multiboot.MAGIC).putInt(0x804, 3).putInt(0x808, -(Multiboot.MAGIC + 3));
        f[0x1000] = (byte) 0x90;
        f[0x200f] = 0x42;
        PhysMemory phys = LinuxBootTest.ram();
        Multiboot.Loaded l = Multiboot.load(phys, f, "k", null, "", LinuxBootTest.e820(), false);
        assertEquals(0x400000, l.loadAddr());
        assertEquals(0x400010, l.entry());
        assertEquals(0x90, phys.read(0x400000, 1));
        assertEquals(0x42, phys.read(0x40100f, 1));
        long mbi = Multiboot.MBI;
        assertEquals(0x403000, phys.read(mbi + 24, 4), "mods_addr after the 0x3000-byte image");
    }

    @Test
    void splitsTheModuleListAsQemu() {
        assertEquals(List.of("a b", "c,d", "e"), Multiboot.splitModules("a b,c,,d,e"));
    }

    private static String cstr(PhysMemory p, long addr) {
        StringBuilder s = new StringBuilder();
        for (int c; (c = (int) p.read(addr++, 1)) != 0; ) s.append((char) c);
        return s.toString();
    }
}
