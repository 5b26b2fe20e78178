package dev.jemu.machine.pc;

import dev.jemu.cli.ToolError;
import dev.jemu.hw.nvram.FwCfg;
import dev.jemu.memory.HostRam;
import dev.jemu.memory.PhysMemory;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The zero page and memory image for Debian's amd64 kernel (scripts/fetch-guests amd64/vmlinuz; skipped without it). */
class LinuxBootTest {
    static final long RAM = 128L << 20;
    static final Path KERNEL = Path.of(System.getProperty("user.home"), ".cache", "jemu", "amd64", "vmlinuz");

    static PhysMemory ram() {
        PhysMemory p = new PhysMemory(HostRam.reserve(RAM), new PhysMemory.Mmio() {
            public long read(long pa, int size) {
                return -1;
            }

            public void write(long pa, int size, long value) {
            }
        });
        p.mapRam(0, RAM, 0);
        return p;
    }

    static List<FwCfg.E820Entry> e820() {
        return List.of(new FwCfg.E820Entry(0, RAM, FwCfg.E820Entry.RAM));
    }

    @Test
    void debianKernelZeroPage() throws Exception {
        assumeTrue(Files.isReadable(KERNEL), "no " + KERNEL + " (scripts/fetch-guests amd64/vmlinuz)");
        byte[] k = Files.readAllBytes(KERNEL);
        byte[] initrd = new byte[1_000_000];
        initrd[0] = 0x1f;
        initrd[999_999] = 0x55;
        PhysMemory phys = ram();
        LinuxBoot.Loaded l = LinuxBoot.load(phys, k, initrd, "console=ttyS0 panic=-1", RAM, e820());
        ByteBuffer zp = ByteBuffer.wrap(l.zeroPage()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x53726448, zp.getInt(0x202)); // "HdrS" copied with the header
        assertTrue(l.protocol() >= 0x20c, "Debian 12's kernel speaks boot protocol 2.12 or later");
        assertEquals(0xb0, zp.get(0x210) & 0xff); // type_of_loader: QEMU
        assertEquals(0x81, zp.get(0x211) & 0x81); // LOADED_HIGH from the image, CAN_USE_HEAP from us
        assertEquals(0x20000, zp.getInt(0x228));
        assertEquals(0x20000 - 0x10000 - 0x200, zp.getShort(0x224) & 0xffff);
        // QEMU: initrd_max = RAM top - 0x20000 (ACPI data) - 1 (below the kernel's 0x7fffffff), 4 KiB aligned
        // down; QEMU 7.2 -m 128 with the 1028281-byte test initramfs: "RAMDISK: [mem 0x07ee4000-0x07fdffff]"
        long expected = (RAM - 0x20000 - 1 - initrd.length) & ~4095L;
        assertEquals(0x07ee4000L, (RAM - 0x20000 - 1 - 1028281) & ~4095L);
        assertEquals(expected, l.initrdAddr());
        assertEquals(expected, zp.getInt(0x218) & 0xffffffffL);
        assertEquals(initrd.length, zp.getInt(0x21c));
        assertEquals(0x1f, phys.read(expected, 1));
        assertEquals(0x55, phys.read(expected + 999_999, 1));
        // e820 as Linux prints it under QEMU 7.2 -m 128 ("BIOS-e820: [mem ...]")
        assertEquals(7, zp.get(0x1e8));
        assertEquals(0, zp.getLong(0x2d0));
        assertEquals(0x9fc00, zp.getLong(0x2d8));
        assertEquals(1, zp.getInt(0x2e0));
        long[][] want = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0xf0000, 0x10000, 2}, {0x100000, 0x7fe0000 - 0x100000, 1},
                {0x7fe0000, 0x20000, 2}, {0xfffc0000L, 0x40000, 2}, {0xfd00000000L, 0x300000000L, 2}};
        for (int i = 0; i < want.length; i++) {
            int o = 0x2d0 + 20 * i;
            assertArrayEquals(want[i], new long[] {zp.getLong(o), zp.getLong(o + 8), zp.getInt(o + 16)}, "e820 entry " + i);
        }
        // the protected-mode kernel at 1 MiB, the command line at 0x20000, the zero page in memory
        int setup = ((k[0x1f1] & 0xff) + 1) * 512;
        for (int off : new int[] {0, 1, 4096, k.length - setup - 1}) {
            assertEquals(k[setup + off] & 0xff, phys.read(0x100000 + off, 1), "kernel byte " + off);
        }
        byte[] cl = new byte[23];
        phys.readBytes(0x20000, cl, 0, cl.length);
        assertEquals("console=ttyS0 panic=-1\0", new String(cl, "US-ASCII"));
        assertEquals(0x53726448, phys.read(LinuxBoot.ZERO_PAGE + 0x202, 4));
        // entry: code32_start, ESI = zero page, a GDT with flat __BOOT_CS and __BOOT_DS
        assertEquals(0x100000, l.entry().eip());
        assertEquals(LinuxBoot.ZERO_PAGE, l.entry().esi());
        assertEquals(0x00cf9b000000ffffL, phys.read(l.entry().gdtBase() + 0x10, 8));
        assertEquals(0x00cf93000000ffffL, phys.read(l.entry().gdtBase() + 0x18, 8));
    }

    @Test
    void notAKernel() {
        byte[] junk = "root:x:0:0:root:/root:/bin/bash\n".repeat(100).getBytes();
        ToolError e = assertThrows(ToolError.class, () -> LinuxBoot.load(ram(), junk, null, null, RAM, e820()));
        assertEquals("invalid kernel header", e.getMessage()); // QEMU: "qemu: invalid kernel header"
    }

    @Test
    void initrdTooLarge() throws Exception {
        assumeTrue(Files.isReadable(KERNEL));
        byte[] k = Files.readAllBytes(KERNEL);
        ToolError e = assertThrows(ToolError.class,
                () -> LinuxBoot.load(ram(), k, new byte[(int) (RAM - 0x20000)], null, RAM, e820()));
        assertTrue(e.getMessage().startsWith("initrd is too large, cannot support. (max: "), e.getMessage());
    }
}
