package dev.jemu.machine.pc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static dev.jemu.machine.pc.Aml.*;

/**
 * The ACPI tables of the pc machine, laid out as QEMU 7.2 hands them to SeaBIOS: one blob "etc/acpi/tables"
 * (FACS, DSDT, FADT, APIC (MADT), HPET, RSDT) and "etc/acpi/rsdp" (an ACPI 1.0 RSDP pointing at the RSDT), with
 * the table-loader script that places them, patches the pointers and fixes the checksums. Pointers in the blob
 * hold offsets within their target file until the loader adds the file's address.
 *
 * <p>The hardware they describe: PM1a event block at PMBA 0x600, PM1a control at 0x604, PM timer at 0x608,
 * GPE0 at 0xafe0, SCI on IRQ 9, SMI_CMD 0xb2 (ACPI enable 0xf1), reset register 0xcf9 (value 0x0f), RTC century
 * at CMOS 0x32; LAPIC 0xfee00000, IOAPIC id 0 at 0xfec00000 (GSI 0-23), ISA IRQ 0 on GSI 2 and IRQs 5, 9, 10, 11
 * level/active-high, HPET at 0xfed00000; \_S5 with SLP_TYP 0.
 */
public final class AcpiBuilder {
    public static final String TABLES = "etc/acpi/tables", RSDP = "etc/acpi/rsdp", LOADER = "etc/table-loader";
    public static final int PM_BASE = 0x600, GPE0_BASE = 0xafe0, SCI_IRQ = 9, SMI_CMD = 0xb2;
    public static final long LAPIC_BASE = 0xfee00000L, IOAPIC_BASE = 0xfec00000L, HPET_BASE = 0xfed00000L;
    /** The PIIX3's PIRQ A-D routes as SeaBIOS programs them (pci_irqs). */
    public static final int[] PIRQ_IRQS = {10, 10, 11, 11};

    private final long belowFourG;
    private final boolean hpet;
    private final int cpus;
    private byte[] tables, rsdp, loader;
    private int facsOff, dsdtOff, fadtOff, madtOff, hpetOff, rsdtOff;

    public AcpiBuilder(long belowFourG, boolean hpet) {
        this(belowFourG, hpet, 1);
    }

    /** {@code cpus} processors (APIC ids 0..cpus-1) in the MADT, as under QEMU -smp. */
    public AcpiBuilder(long belowFourG, boolean hpet, int cpus) {
        this.belowFourG = belowFourG;
        this.hpet = hpet;
        this.cpus = cpus;
        build();
    }

    public byte[] tables() {
        return tables;
    }

    public byte[] rsdp() {
        return rsdp;
    }

    public byte[] loader() {
        return loader;
    }

    public int offsetOf(String sig) {
        return switch (sig) {
            case "FACS" -> facsOff;
            case "DSDT" -> dsdtOff;
            case "FACP" -> fadtOff;
            case "APIC" -> madtOff;
            case "HPET" -> hpetOff;
            case "RSDT" -> rsdtOff;
            default -> -1;
        };
    }

    private static ByteBuffer header(String sig, int length, int revision) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(sig.getBytes(StandardCharsets.US_ASCII));
        b.putInt(length);
        b.put((byte) revision);
        b.put((byte) 0); // checksum, fixed by the loader
        b.put("BOCHS ".getBytes(StandardCharsets.US_ASCII));
        b.put(("BXPC" + sig).getBytes(StandardCharsets.US_ASCII));
        b.putInt(1);
        b.put("BXPC".getBytes(StandardCharsets.US_ASCII));
        b.putInt(1);
        return b;
    }

    /** A generic address structure in system I/O space. */
    private static void gasIo(ByteBuffer b, int at, int bits, long addr) {
        b.put(at, (byte) 1);
        b.put(at + 1, (byte) bits);
        b.put(at + 2, (byte) 0);
        b.put(at + 3, (byte) 0);
        b.putLong(at + 4, addr);
    }

    private void build() {
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        TableLoader l = new TableLoader();
        l.allocate(TABLES, 64, TableLoader.ZONE_HIGH);

        // FACS: 64 bytes, 64-byte aligned (first in the blob), no checksum
        facsOff = 0;
        ByteBuffer facs = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        facs.put("FACS".getBytes(StandardCharsets.US_ASCII)).putInt(64);
        blob.writeBytes(facs.array());

        dsdtOff = blob.size();
        byte[] dsdt = dsdt();
        blob.writeBytes(dsdt);
        l.addChecksum(TABLES, dsdtOff + 9, dsdtOff, dsdt.length);

        fadtOff = blob.size();
        byte[] fadt = fadt();
        blob.writeBytes(fadt);
        l.addPointer(TABLES, TABLES, fadtOff + 36, 4);
        l.addPointer(TABLES, TABLES, fadtOff + 40, 4);
        l.addPointer(TABLES, TABLES, fadtOff + 140, 8);
        l.addChecksum(TABLES, fadtOff + 9, fadtOff, fadt.length);

        madtOff = blob.size();
        byte[] madt = madt();
        blob.writeBytes(madt);
        l.addChecksum(TABLES, madtOff + 9, madtOff, madt.length);

        int[] entries = hpet ? new int[]{fadtOff, madtOff, 0} : new int[]{fadtOff, madtOff};
        if (hpet) {
            hpetOff = blob.size();
            byte[] h = hpetTable();
            blob.writeBytes(h);
            l.addChecksum(TABLES, hpetOff + 9, hpetOff, h.length);
            entries[2] = hpetOff;
        } else {
            hpetOff = -1;
        }

        rsdtOff = blob.size();
        ByteBuffer rsdt = header("RSDT", 36 + 4 * entries.length, 1);
        for (int e : entries) rsdt.putInt(e);
        blob.writeBytes(rsdt.array());
        for (int i = 0; i < entries.length; i++) l.addPointer(TABLES, TABLES, rsdtOff + 36 + 4 * i, 4);
        l.addChecksum(TABLES, rsdtOff + 9, rsdtOff, 36 + 4 * entries.length);

        tables = blob.toByteArray();
        patchOffsets();

        ByteBuffer r = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        r.put("RSD PTR ".getBytes(StandardCharsets.US_ASCII));
        r.put((byte) 0);
        r.put("BOCHS ".getBytes(StandardCharsets.US_ASCII));
        r.put((byte) 0); // revision 0: ACPI 1.0, RSDT only (as QEMU's pc machine)
        r.putInt(rsdtOff);
        rsdp = r.array();
        l.allocate(RSDP, 16, TableLoader.ZONE_FSEG);
        l.addPointer(RSDP, TABLES, 16, 4);
        l.addChecksum(RSDP, 8, 0, 20);
        loader = l.bytes();
    }

    /** Writes the blob-relative targets of the FADT pointers (FACS, DSDT). */
    private void patchOffsets() {
        ByteBuffer b = ByteBuffer.wrap(tables).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(fadtOff + 36, facsOff);
        b.putInt(fadtOff + 40, dsdtOff);
        b.putLong(fadtOff + 140, dsdtOff);
    }

    private byte[] fadt() {
        ByteBuffer b = header("FACP", 244, 3);
        b.putShort(46, (short) SCI_IRQ);
        b.putInt(48, SMI_CMD);
        b.put(52, (byte) 0xf1);
        b.put(53, (byte) 0xf0);
        b.putInt(56, PM_BASE);
        b.putInt(64, PM_BASE + 4);
        b.putInt(76, PM_BASE + 8);
        b.putInt(80, GPE0_BASE);
        b.put(88, (byte) 4);
        b.put(89, (byte) 2);
        b.put(91, (byte) 4);
        b.put(92, (byte) 4);
        b.putShort(96, (short) 0xfff); // C2 and C3 not supported
        b.putShort(98, (short) 0xfff);
        b.put(108, (byte) 0x32); // RTC century
        // WBINVD, PROC_C1, SLP_BUTTON, RTC_S4, RESET_REG_SUP, USE_PLATFORM_CLOCK
        b.putInt(112, 1 | 1 << 2 | 1 << 5 | 1 << 7 | 1 << 10 | 1 << 15);
        gasIo(b, 116, 8, 0xcf9);
        b.put(128, (byte) 0x0f);
        gasIo(b, 148, 32, PM_BASE);
        gasIo(b, 172, 16, PM_BASE + 4);
        gasIo(b, 208, 32, PM_BASE + 8);
        gasIo(b, 220, 32, GPE0_BASE);
        return b.array();
    }

    private byte[] madt() {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        for (int c = 0; c < cpus; c++) e.writeBytes(new byte[]{0, 8, (byte) c, (byte) c, 1, 0, 0, 0}); // processor c, APIC id c, enabled
        ByteBuffer io = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        io.put((byte) 1).put((byte) 12).put((byte) 0).put((byte) 0).putInt((int) IOAPIC_BASE).putInt(0);
        e.writeBytes(io.array());
        e.writeBytes(override(0, 2, 0));
        for (int irq : new int[]{5, 9, 10, 11}) e.writeBytes(override(irq, irq, 0x000d)); // level, active high
        e.writeBytes(new byte[]{4, 6, (byte) 0xff, 0, 0, 1}); // LINT1 is NMI on every processor
        byte[] body = e.toByteArray();
        ByteBuffer b = header("APIC", 44 + body.length, 1);
        b.putInt(36, (int) LAPIC_BASE);
        b.putInt(40, 1); // PCAT_COMPAT: there are 8259s
        b.position(44);
        b.put(body);
        return b.array();
    }

    private static byte[] override(int source, int gsi, int flags) {
        ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 2).put((byte) 10).put((byte) 0).put((byte) source).putInt(gsi).putShort((short) flags);
        return b.array();
    }

    private byte[] hpetTable() {
        ByteBuffer b = header("HPET", 56, 1);
        b.putInt(36, 0x8086a201); // event timer block id as QEMU's HPET reports it
        b.put(40, (byte) 0); // system memory
        b.putLong(44, HPET_BASE);
        b.put(52, (byte) 0);
        b.putShort(53, (short) 0);
        b.put(55, (byte) 0);
        return b.array();
    }

    private static byte[] isaDevice(String name, String hid, byte[] crs) {
        return device(name, name("_HID", integer(eisaId(hid))), methodReturn("_STA", integer(0x0f)),
                name("_CRS", crs));
    }

    /** \_SB.PCI0 with the ISA devices, _PRT routing PCI INTx to the GSIs the PIRQs are programmed to, and \_S5. */
    private byte[] dsdt() {
        // _PRT: every slot 1-31, pin 0-3 -> GSI of PIRQ (slot + pin) & 3
        int n = 0;
        byte[][] entries = new byte[31 * 4][];
        for (int slot = 1; slot < 32; slot++)
            for (int pin = 0; pin < 4; pin++)
                entries[n++] = pkg(integer((long) slot << 16 | 0xffff), integer(pin), integer(0),
                        integer(PIRQ_IRQS[(slot + pin) & 3]));
        byte[] prtPkg = pkg(entries);
        byte[] isa = device("ISA", name("_ADR", integer(0x00010000)),
                isaDevice("KBD", "PNP0303", resources(io(0x60, 1), io(0x64, 1), irq(1))),
                isaDevice("MOU", "PNP0F13", resources(irq(12))),
                isaDevice("FDC0", "PNP0700", resources(io(0x3f2, 4), io(0x3f7, 1), irq(6),
                        new byte[]{0x2a, 0x04, 0x00})),
                device("COM1", name("_HID", integer(eisaId("PNP0501"))), name("_UID", integer(1)),
                        methodReturn("_STA", integer(0x0f)), name("_CRS", resources(io(0x3f8, 8), irq(4)))),
                device("COM2", name("_HID", integer(eisaId("PNP0501"))), name("_UID", integer(2)),
                        methodReturn("_STA", integer(0x0f)), name("_CRS", resources(io(0x2f8, 8), irq(3)))),
                isaDevice("RTC", "PNP0B00", resources(io(0x70, 2), irq(8))),
                isaDevice("PIC", "PNP0000", resources(io(0x20, 2), io(0xa0, 2), irq(2))),
                isaDevice("TMR", "PNP0100", resources(io(0x40, 4), irq(0))),
                isaDevice("SPKR", "PNP0800", resources(io(0x61, 1))));
        byte[] pci0 = device("PCI0",
                name("_HID", integer(eisaId("PNP0A03"))),
                name("_ADR", integer(0)),
                name("_UID", integer(0)),
                name("_CRS", resources(
                        wordSpace(2, 0, 0xff),
                        io(0xcf8, 8),
                        wordSpace(1, 0, 0xcf7),
                        wordSpace(1, 0xd00, 0xffff),
                        dwordMemory(0xa0000, 0xbffff),
                        dwordMemory(belowFourG, 0xfebfffffL))),
                name("_PRT", prtPkg),
                isa);
        byte[] sb = scope("\\_SB", pci0,
                hpet ? device("HPET", name("_HID", integer(eisaId("PNP0103"))), name("_UID", integer(0)),
                        methodReturn("_STA", integer(0x0f)), name("_CRS", resources(memory32Fixed(HPET_BASE, 0x400))))
                        : new byte[0]);
        byte[] s5 = name("\\_S5", pkg(integer(0), integer(0), integer(0), integer(0)));
        byte[] body = cat(sb, s5);
        ByteBuffer b = header("DSDT", 36 + body.length, 1);
        b.position(36);
        b.put(body);
        return b.array();
    }
}
