package dev.jemu.machine.pc;

import dev.jemu.cli.ToolError;
import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.nvram.FwCfg;
import dev.jemu.hw.pci.PciDevice;
import dev.jemu.machine.MachineConfig;
import dev.jemu.memory.PhysMemory;
import dev.jemu.target.x86.InterruptController;
import dev.jemu.target.x86.X86Cpu;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class PcMachineTest {
    static final Path BIOS = Path.of("/usr/share/seabios/bios-256k.bin");

    @BeforeAll
    static void needSeabios() {
        Assumptions.assumeTrue(Files.isRegularFile(BIOS), "Debian's seabios package is not installed");
    }

    static MachineConfig config(long ram, Path bios, List<MachineConfig.Device> devices) {
        return new MachineConfig(ram, "max", 1, bios, List.of(), null, null, null, List.of(), null,
                List.of("null"), Map.of(), devices, false, false, false, true, null, 64);
    }

    static PcMachine machine(long ram) {
        return new PcMachine(config(ram, null, List.of()), null, null);
    }

    static int cfgRead(IoBus io, int devfn, int reg) {
        io.write(0xcf8, 4, 0x80000000 | devfn << 8 | reg);
        return io.read(0xcfc, 4);
    }

    static void cfgWrite(IoBus io, int devfn, int reg, int size, int v) {
        io.write(0xcf8, 4, 0x80000000 | devfn << 8 | (reg & 0xfc));
        io.write(0xcfc + (reg & 3), size, v);
    }

    @Test
    void pciFunctionsAsSeabiosProbesThem() {
        PcMachine m = machine(128 << 20);
        IoBus io = m.ioBus();
        assertEquals(0x12378086, cfgRead(io, 0x00, 0));
        assertEquals(0x06000002, cfgRead(io, 0x00, 8), "host bridge class, rev 2");
        assertEquals(0x70008086, cfgRead(io, 0x08, 0));
        assertEquals(0x06010000, cfgRead(io, 0x08, 8), "ISA bridge class");
        assertEquals(0x80, cfgRead(io, 0x08, 0x0c) >>> 16 & 0xff, "PIIX3 is multi-function");
        assertEquals(0x02000007, cfgRead(io, 0x08, 4), "PIIX3 command/status after reset");
        assertEquals(0x80808080, cfgRead(io, 0x08, 0x60), "PIRQ routes disabled");
        assertEquals(0x70108086, cfgRead(io, 0x09, 0), "01.1 PIIX3 IDE");
        assertEquals(0x71138086, cfgRead(io, 0x0b, 0));
        assertEquals(0x06800003, cfgRead(io, 0x0b, 8));
        assertEquals(0x02, cfgRead(io, 0x0b, 0x58) >>> 24, "APMC_EN: SMM set up already");
        assertEquals(-1, cfgRead(io, 0x18, 0), "slot 3 empty");
        assertEquals(16, cfgRead(io, 0x00, 0x54) >>> 24, "0x57: RAM in 8 MiB units");
        assertEquals(0x02, cfgRead(io, 0x00, 0x70) >>> 16 & 0xff, "SMRAM closed");
    }

    @Test
    void stdVgaAtSlot2WithItsFrameBufferMappedAsRam() {
        PcMachine m = machine(64 << 20);
        IoBus io = m.ioBus();
        assertEquals(0x11111234, cfgRead(io, 0x10, 0));
        assertEquals(0x03000002, cfgRead(io, 0x10, 8));
        cfgWrite(io, 0x10, 0x10, 4, -1);
        assertEquals(0xff000008, cfgRead(io, 0x10, 0x10), "16 MiB prefetchable frame buffer");
        cfgWrite(io, 0x10, 0x10, 4, 0xfd000000);
        cfgWrite(io, 0x10, 0x04, 2, PciDevice.CMD_MEMORY);
        m.phys().write(0xfd000010L, 4, 0xcafe);
        assertEquals(0xcafe, m.vga().vram().get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0x10));
        cfgWrite(io, 0x10, 0x04, 2, 0);
        assertEquals(0xffffffffL, m.phys().read(0xfd000010L, 4), "unmapped with decoding off");
        assertEquals("vga", io.nameAt(0x3d4));
    }

    @Test
    void pmBlockDecodesAtPmbaAndPowersOff() {
        PcMachine m = machine(64 << 20);
        boolean[] off = new boolean[1];
        m.setEvents(new PcMachine.Events() {
            public void powerOff() {
                off[0] = true;
            }
        });
        IoBus io = m.ioBus();
        assertNull(io.nameAt(0x604));
        cfgWrite(io, 0x0b, 0x40, 4, 0x601); // SeaBIOS piix4_pm_setup
        cfgWrite(io, 0x0b, 0x80, 1, 0x01);
        assertEquals(0x601, cfgRead(io, 0x0b, 0x40));
        assertEquals("piix4-pm", io.nameAt(0x604));
        io.write(0x604, 2, 0x2000);
        assertTrue(off[0]);
    }

    @Test
    void biosIsMappedAtTheTopAndInTheIsaWindowAndPamShadowsIt() throws Exception {
        byte[] bios = Files.readAllBytes(BIOS);
        PcMachine m = machine(64 << 20);
        PhysMemory p = m.phys();
        assertEquals(bios[bios.length - 16] & 0xff, p.read(0xfffffff0L, 1));
        assertEquals(bios[bios.length - 16] & 0xff, p.read(0xffff0, 1), "isa-bios alias");
        assertEquals(bios[bios.length - 0x20000] & 0xff, p.read(0xe0000, 1));
        p.write(0xf0000, 1, 0x5a);
        assertEquals(bios[bios.length - 0x10000] & 0xff, p.read(0xf0000, 1), "ROM ignores writes");
        IoBus io = m.ioBus();
        cfgWrite(io, 0x00, 0x59, 1, 0x30); // as SeaBIOS make_bios_writable
        p.write(0xf0000, 1, 0x5a);
        assertEquals(0x5a, p.read(0xf0000, 1), "shadow RAM read/write");
        cfgWrite(io, 0x00, 0x59, 1, 0x10);
        p.write(0xf0000, 1, 0x33);
        assertEquals(0x5a, p.read(0xf0000, 1), "read-only shadow");
        // 0xc0000 segment: PCI space (all ones) until enabled
        assertEquals(0xff, p.read(0xc0000, 1));
        cfgWrite(io, 0x00, 0x5a, 1, 0x33);
        p.write(0xc0000, 2, 0xaa55);
        assertEquals(0xaa55, p.read(0xc0000, 2));
        assertEquals(-1, p.hostOffset(0xa0000), "the VGA window is not RAM");
        m.reset();
        assertEquals(bios[bios.length - 0x10000] & 0xff, p.read(0xf0000, 1), "reset closes PAM");
    }

    @Test
    void ramSplitsAtTheGigabyteAlignedHole() {
        assertArrayEquals(new long[]{128 << 20, 0}, PcMemoryMap.split(128 << 20));
        assertArrayEquals(new long[]{0xc0000000L, 0}, PcMemoryMap.split(0xc0000000L));
        assertArrayEquals(new long[]{0xdff00000L, 0}, PcMemoryMap.split(0xdff00000L));
        assertArrayEquals(new long[]{0xc0000000L, 0x20000000L}, PcMemoryMap.split(0xe0000000L));
        assertArrayEquals(new long[]{0xc0000000L, 0x40000000L}, PcMemoryMap.split(4L << 30));
    }

    private static byte[] readFile(IoBus io, String name) {
        io.write(0x510, 2, FwCfg.FILE_DIR);
        int n = 0;
        for (int i = 0; i < 4; i++) n = n << 8 | io.read(0x511, 1);
        for (int i = 0; i < n; i++) {
            byte[] e = new byte[64];
            for (int k = 0; k < 64; k++) e[k] = (byte) io.read(0x511, 1);
            ByteBuffer b = ByteBuffer.wrap(e);
            int size = b.getInt(0), key = b.getShort(4) & 0xffff;
            String fname = new String(e, 8, 56, StandardCharsets.US_ASCII).replace("\0", "");
            if (fname.equals(name)) {
                io.write(0x510, 2, key);
                byte[] d = new byte[size];
                for (int k = 0; k < size; k++) d[k] = (byte) io.read(0x511, 1);
                return d;
            }
        }
        return null;
    }

    @Test
    void fwCfgItemsAndE820() {
        PcMachine m = machine(4L << 30);
        IoBus io = m.ioBus();
        io.write(0x510, 2, FwCfg.SIGNATURE);
        StringBuilder sig = new StringBuilder();
        for (int i = 0; i < 4; i++) sig.append((char) io.read(0x511, 1));
        assertEquals("QEMU", sig.toString());
        io.write(0x510, 2, FwCfg.ID);
        assertEquals(3, io.read(0x511, 1), "traditional + DMA");
        io.write(0x510, 2, FwCfg.NB_CPUS);
        assertEquals(1, io.read(0x511, 1));
        io.write(0x510, 2, FwCfg.RAM_SIZE);
        long ram = 0;
        for (int i = 0; i < 8; i++) ram |= (long) io.read(0x511, 1) << (8 * i);
        assertEquals(4L << 30, ram);
        ByteBuffer e = ByteBuffer.wrap(readFile(io, "etc/e820")).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(40, e.capacity());
        assertEquals(0, e.getLong(0));
        assertEquals(0xc0000000L, e.getLong(8));
        assertEquals(1, e.getInt(16));
        assertEquals(1L << 32, e.getLong(20));
        assertEquals(1L << 30, e.getLong(28));
        assertEquals(1, e.getInt(36));
        assertArrayEquals(new byte[]{-1, -1, -1, -1}, readFile(io, "etc/boot-fail-wait"));
        assertArrayEquals(new byte[0], readFile(io, "bootorder"));
        assertArrayEquals(new byte[]{(byte) 0xf8, 0x03}, readFile(io, "etc/sercon-port"), "-nographic: sercon on COM1");
        // RAM above 4 GiB is there
        m.phys().write((1L << 32) + 0x1000, 4, 0x12345678);
        assertEquals(0x12345678, m.phys().read((1L << 32) + 0x1000, 4));
    }

    @Test
    void cmosHoldsMemorySizesBootOrderAndEquipment() {
        PcMachine m = new PcMachine(new MachineConfig(128 << 20, "max", 1, null, List.of(), null, null, null,
                List.of(), "dc", List.of("null"), Map.of(), List.of(), false, false, false, true, null, 64), null, null);
        var rtc = m.rtc();
        assertEquals(640, rtc.getByte(0x15) | rtc.getByte(0x16) << 8);
        assertEquals(65535, rtc.getByte(0x17) | rtc.getByte(0x18) << 8, "127 MiB in KiB, capped at 65535 as QEMU");
        assertEquals(0x700, rtc.getByte(0x34) | rtc.getByte(0x35) << 8, "(128-16) MiB in 64 KiB units");
        assertEquals(0x23, rtc.getByte(0x3d), "d then c");
        assertEquals(0x00, rtc.getByte(0x38));
        assertEquals(0x06, rtc.getByte(0x14));
        assertEquals(0, rtc.getByte(0x5f));
    }

    @Test
    void resetSourcesReachTheLoop() {
        PcMachine m = machine(32 << 20);
        int[] resets = new int[1];
        m.setEvents(new PcMachine.Events() {
            public void resetRequest() {
                resets[0]++;
            }
        });
        IoBus io = m.ioBus();
        io.write(0xcf9, 1, 0x02);
        assertEquals(0, resets[0]);
        io.write(0xcf9, 1, 0x06);
        assertEquals(1, resets[0], "PIIX reset control register");
        io.write(0x92, 1, 0x01);
        assertEquals(2, resets[0], "port 0x92 fast reset");
        io.write(0x64, 1, 0xfe);
        assertEquals(3, resets[0], "keyboard controller pulse");
    }

    @Test
    void debugExitAndDebugconFromDeviceOptions() {
        StringBuilder out = new StringBuilder();
        MachineConfig c = new MachineConfig(32 << 20, "max", 1, null, List.of(), null, null, null, List.of(), null,
                List.of(), Map.of("dbg", "file:/x"), List.of(
                new MachineConfig.Device("isa-debug-exit", Map.of("iobase", "0xf4", "iosize", "0x04")),
                new MachineConfig.Device("isa-debugcon", Map.of("iobase", "0x402", "chardev", "dbg"))),
                false, false, false, true, null, 64);
        PcMachine m = new PcMachine(c, spec -> spec.equals("file:/x") ? b -> out.append((char) b) : null, null);
        int[] status = {-1};
        m.setEvents(new PcMachine.Events() {
            public void debugExit(int s) {
                status[0] = s;
            }
        });
        m.ioBus().write(0x402, 1, 'h');
        assertEquals("h", out.toString());
        assertEquals(0xe9, m.ioBus().read(0x402, 1));
        m.ioBus().write(0xf4, 1, 0x10);
        assertEquals(0x21, status[0]);
    }

    @Test
    void missingBiosIsAOneLineErrorNamingThePackage() {
        ToolError e = assertThrows(ToolError.class,
                () -> new PcMachine(config(32 << 20, Path.of("/nonexistent/bios.bin"), List.of()), null, null));
        assertEquals("could not load PC BIOS '/nonexistent/bios.bin'", e.getMessage());
        assertTrue(Firmware.find("no-such-firmware.bin", List.of()) == null);
    }

    @Test
    void picInterruptWakesTheCpuAndPirqRoutesPciInterrupts() {
        PcMachine m = machine(32 << 20);
        X86Cpu cpu = new X86Cpu(dev.jemu.target.x86.CpuModel.max(), null);
        int[] kicks = new int[1];
        InterruptController ic = m.interrupts(cpu, () -> kicks[0]++);
        IoBus io = m.ioBus();
        // SeaBIOS-style init: ICW1-4 for both, vectors 0x08 and 0x70
        io.write(0x20, 1, 0x11);
        io.write(0x21, 1, 0x08);
        io.write(0x21, 1, 0x04);
        io.write(0x21, 1, 0x01);
        io.write(0xa0, 1, 0x11);
        io.write(0xa1, 1, 0x70);
        io.write(0xa1, 1, 0x02);
        io.write(0xa1, 1, 0x01);
        io.write(0x21, 1, 0xfa); // IRQ0 and cascade unmasked
        io.write(0xa1, 1, 0xf7); // IRQ11 unmasked
        assertFalse(ic.intr());
        m.gsi(0).raise();
        assertTrue(ic.intr());
        assertTrue(cpu.exitRequest);
        assertEquals(1, kicks[0]);
        assertEquals(0x08, ic.acknowledge());
        m.gsi(0).lower();
        io.write(0x20, 1, 0x20);
        // a PCI device in slot 5, INTA -> PIRQB; route PIRQB to IRQ 11 (level via ELCR)
        PciDevice d = new PciDevice("test", 0x1af4, 0x1000, 0x020000, 0);
        d.setInterruptPin(1);
        m.pciBus().plug(d, 5, 0);
        cfgWrite(io, 0x08, 0x61, 1, 11);
        io.write(0x4d1, 1, 0x08);
        d.setIrq(true);
        assertTrue(ic.intr());
        assertEquals(0x73, ic.acknowledge());
        d.setIrq(false);
        assertFalse(m.gsi(11).level());
    }

    @Test
    void cr8AndApicBaseReachTheLocalApic() {
        PcMachine m = machine(32 << 20);
        X86Cpu cpu = new X86Cpu(dev.jemu.target.x86.CpuModel.max(), null);
        m.interrupts(cpu, null);
        assertEquals(0xfee00900L, cpu.apic.readApicBase(), "BSP, enabled, at 0xfee00000");
        cpu.apic.writeCr8(5);
        assertEquals(0x50, m.phys().read(0xfee00080L, 4), "TPR");
        assertTrue(cpu.apic.writeApicBase(0xfed80900L));
        assertEquals(0x50, m.phys().read(0xfed80080L, 4), "register page moved");
        assertFalse(cpu.apic.writeApicBase(0xfee00901L), "reserved bits");
    }

    /** Runs the table-loader script as SeaBIOS's romfile_loader does, placing files at fixed addresses. */
    @Test
    void acpiTablesLoadWithValidChecksumsAndPointers() {
        AcpiBuilder a = new AcpiBuilder(128 << 20, true);
        Map<String, byte[]> files = new HashMap<>();
        files.put(AcpiBuilder.TABLES, a.tables().clone());
        files.put(AcpiBuilder.RSDP, a.rsdp().clone());
        Map<String, Long> addr = new HashMap<>();
        ByteBuffer l = ByteBuffer.wrap(a.loader()).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> cmds = new ArrayList<>();
        for (int at = 0; at < l.capacity(); at += 128) {
            int cmd = l.getInt(at);
            cmds.add(cmd);
            String f1 = name(l, at + 4);
            switch (cmd) {
                case 1 -> addr.put(f1, l.get(at + 64) == 2 ? 0xf5000L : 0x7fe0000L);
                case 2 -> {
                    String src = name(l, at + 60);
                    int off = l.getInt(at + 116), size = l.get(at + 120);
                    ByteBuffer d = ByteBuffer.wrap(files.get(f1)).order(ByteOrder.LITTLE_ENDIAN);
                    if (size == 4) d.putInt(off, (int) (d.getInt(off) + addr.get(src)));
                    else d.putLong(off, d.getLong(off) + addr.get(src));
                }
                case 3 -> {
                    byte[] d = files.get(f1);
                    int off = l.getInt(at + 60), start = l.getInt(at + 64), len = l.getInt(at + 68);
                    int sum = 0;
                    for (int i = start; i < start + len; i++) sum += d[i];
                    d[off] -= (byte) sum;
                }
                default -> fail("unknown loader command " + cmd);
            }
        }
        assertEquals(1, cmds.get(0));
        byte[] rsdp = files.get(AcpiBuilder.RSDP);
        assertEquals("RSD PTR ", new String(rsdp, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(0, sum(rsdp, 0, 20));
        byte[] t = files.get(AcpiBuilder.TABLES);
        ByteBuffer tb = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        long base = addr.get(AcpiBuilder.TABLES);
        int rsdt = (int) (ByteBuffer.wrap(rsdp).order(ByteOrder.LITTLE_ENDIAN).getInt(16) - base);
        assertEquals("RSDT", new String(t, rsdt, 4, StandardCharsets.US_ASCII));
        int rsdtLen = tb.getInt(rsdt + 4);
        assertEquals(0, sum(t, rsdt, rsdtLen));
        List<String> sigs = new ArrayList<>();
        for (int p = rsdt + 36; p < rsdt + rsdtLen; p += 4) {
            int off = (int) (tb.getInt(p) - base);
            String sig = new String(t, off, 4, StandardCharsets.US_ASCII);
            sigs.add(sig);
            assertEquals(0, sum(t, off, tb.getInt(off + 4)), sig + " checksum");
            if (sig.equals("FACP")) {
                int dsdt = (int) (tb.getInt(off + 40) - base);
                assertEquals("DSDT", new String(t, dsdt, 4, StandardCharsets.US_ASCII));
                assertEquals(dsdt + base, tb.getLong(off + 140));
                assertEquals(0, sum(t, dsdt, tb.getInt(dsdt + 4)), "DSDT checksum");
                assertEquals("FACS", new String(t, (int) (tb.getInt(off + 36) - base), 4, StandardCharsets.US_ASCII));
                assertEquals(0x604, tb.getInt(off + 64), "PM1a control");
                assertEquals(0x608, tb.getInt(off + 76), "PM timer");
                assertEquals(9, tb.getShort(off + 46));
            }
        }
        assertEquals(List.of("FACP", "APIC", "HPET"), sigs);
        assertEquals(0, a.offsetOf("FACS") % 64);
    }

    /** -smp N (under -accel kvm): the MADT lists N enabled processors, APIC ids 0..N-1, as QEMU's does. */
    @Test
    void madtListsEveryCpu() {
        for (int cpus : new int[] {1, 4}) {
            AcpiBuilder a = new AcpiBuilder(128 << 20, true, cpus);
            byte[] t = a.tables();
            ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
            int madt = a.offsetOf("APIC");
            assertEquals("APIC", new String(t, madt, 4, StandardCharsets.US_ASCII));
            List<Integer> apicIds = new ArrayList<>();
            int ioapics = 0;
            for (int p = madt + 44; p < madt + b.getInt(madt + 4); p += t[p + 1]) {
                if (t[p] == 0) {
                    assertEquals(apicIds.size(), t[p + 2], "ACPI processor id");
                    assertEquals(1, b.getInt(p + 4), "enabled");
                    apicIds.add((int) t[p + 3]);
                } else if (t[p] == 1) {
                    ioapics++;
                }
            }
            List<Integer> expected = new ArrayList<>();
            for (int c = 0; c < cpus; c++) expected.add(c);
            assertEquals(expected, apicIds);
            assertEquals(1, ioapics);
        }
    }

    @Test
    void dsdtHasS5AndTheIsaDevicesSeabiosLooksFor() {
        AcpiBuilder a = new AcpiBuilder(128 << 20, true);
        byte[] t = a.tables();
        int d = a.offsetOf("DSDT");
        int len = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).getInt(d + 4);
        String aml = new String(t, d, len, StandardCharsets.ISO_8859_1);
        assertTrue(aml.contains("\\_S5_\022\006\004\000\000\000\000"), "Name(\\_S5, Package(4){0,0,0,0})");
        // EISAID("PNP0303") = 0x0303D041: PS/2 keyboard, which SeaBIOS's ps2port_setup requires
        assertTrue(aml.contains("_HID\014\101\320\003\003"));
        assertTrue(aml.contains("_HID\014\101\320\012\003"), "PNP0A03 root bridge");
        assertEquals(0x030ad041L, Aml.eisaId("PNP0A03"));
    }

    private static String name(ByteBuffer b, int at) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 56 && b.get(at + i) != 0; i++) s.append((char) b.get(at + i));
        return s.toString();
    }

    private static int sum(byte[] d, int start, int len) {
        int s = 0;
        for (int i = start; i < start + len; i++) s += d[i];
        return s & 0xff;
    }
}
