package dev.jemu.machine.pc;

import dev.jemu.cli.ToolError;
import dev.jemu.hw.acpi.PiixPm;
import dev.jemu.hw.audio.PcSpeaker;
import dev.jemu.hw.block.PcDrives;
import dev.jemu.hw.character.CharBackend;
import dev.jemu.hw.character.DebugCon;
import dev.jemu.hw.character.Serial16550;
import dev.jemu.hw.core.DmaMemory;
import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.core.MmioBus;
import dev.jemu.hw.core.VirtualClock;
import dev.jemu.hw.display.Vga;
import dev.jemu.hw.display.VgaPci;
import dev.jemu.hw.input.I8042;
import dev.jemu.hw.input.Ps2Keyboard;
import dev.jemu.hw.input.Ps2Mouse;
import dev.jemu.hw.intc.I8259;
import dev.jemu.hw.intc.IoApic;
import dev.jemu.hw.intc.LocalApic;
import dev.jemu.hw.isa.Apm;
import dev.jemu.hw.misc.BochsShutdown;
import dev.jemu.hw.misc.DebugExit;
import dev.jemu.hw.misc.Port80;
import dev.jemu.hw.misc.Port92;
import dev.jemu.hw.nvram.FwCfg;
import dev.jemu.hw.pci.PciBar;
import dev.jemu.hw.pci.PciBus;
import dev.jemu.hw.pci.PciHost;
import dev.jemu.hw.rtc.Mc146818;
import dev.jemu.hw.timer.Hpet;
import dev.jemu.hw.timer.I8254;
import dev.jemu.machine.MachineConfig;
import dev.jemu.memory.PhysMemory;
import dev.jemu.target.x86.InterruptController;
import dev.jemu.target.x86.PortIo;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.system.CpuApic;
import dev.jemu.util.Log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * QEMU's {@code pc} machine (i440FX + PIIX3): memory map and firmware ({@link PcMemoryMap}), the PCI host with
 * 00.0 i440FX, 01.0 PIIX3 ISA bridge, 01.1 PIIX3 IDE (with the FDC and ISA DMA: {@link PcDrives}), 01.3 PIIX4 PM,
 * 02.0 std VGA, the ISA devices at their PC ports and IRQs, and fw_cfg with what SeaBIOS reads.
 *
 * <p>Interrupts: 24 GSI lines; GSI 0-15 are the ISA IRQs and reach the 8259 pair; all reach the I/O APIC
 * (GSI 0 on its pin 2), which sends to the local APIC; the 8259's INT goes to LINT0. The CPU side is
 * {@link #interrupts(X86Cpu, Runnable)}. Guest requests to reset, power off or exit (isa-debug-exit) go to the
 * {@link Events} the loop installs; all device code runs on the machine thread.
 */
public final class PcMachine {
    /** What the guest asks of the emulator; called on the machine thread, from device code. */
    public interface Events {
        /** Keyboard-controller / port 0x92 / 0xcf9 reset: the loop resets the machine (or exits with -no-reboot). */
        default void resetRequest() {
        }

        /** ACPI S5 or the Bochs shutdown port: the loop ends the run (status 0) or stops with -no-shutdown. */
        default void powerOff() {
        }

        /** isa-debug-exit: the emulator exits with {@code status}. */
        default void debugExit(int status) {
        }
    }

    public static final int GSI_COUNT = 24;
    private static final int[] COM_PORTS = {0x3f8, 0x2f8, 0x3e8, 0x2e8};
    private static final int[] COM_IRQS = {4, 3, 4, 3};

    private final MachineConfig cfg;
    private final Log log;
    private final VirtualClock clock;
    private final IoBus io;
    private final MmioBus mmio;
    private final PcMemoryMap map;
    private final PhysMemory phys;
    private final byte[] bios;
    private final IrqLine[] gsi = new IrqLine[GSI_COUNT];
    private final IrqLine intr = new IrqLine("intr");
    private final IrqLine a20 = new IrqLine("a20");
    private final I8259 pic;
    private final I8254 pit;
    private final PcSpeaker speaker;
    private final Hpet hpet;
    private final PcDrives drives;
    private final Mc146818 rtc;
    private final I8042 kbc;
    private final Port92 port92;
    private final List<Serial16550> serials = new ArrayList<>();
    private final PiixPm pm;
    private final FwCfg fwCfg;
    private final PciBus pciBus;
    private final PciHost pciHost;
    private final I440fx i440fx;
    private final Piix3Isa piix3;
    private final Piix4Pm piix4pm;
    private final Vga vga;
    private final VgaPci vgaPci;
    private volatile Events events = new Events() {
    };
    private final LocalApic lapic;
    private final IoApic ioapic;
    private volatile PcInterrupts interrupts;

    /**
     * Builds the board. {@code chardevs} opens a character backend for a -serial / -chardev spec ("stdio",
     * "null", "file:PATH"...); null gives every port a null backend. {@code log} may be null.
     */
    public PcMachine(MachineConfig cfg, Function<String, CharBackend> chardevs, Log log) {
        this.cfg = cfg;
        this.log = log;
        // -smp N (N > 1) comes only with -accel kvm (SystemOptions checks): the board then describes N CPUs to
        // the firmware and the OS (fw_cfg, CMOS, the MADT) and the accelerator runs them.
        this.bios = Firmware.loadBios(cfg.firmware(), cfg.dataDirs());
        this.clock = new VirtualClock();
        this.io = new IoBus(log);
        this.mmio = new MmioBus(log);
        this.map = new PcMemoryMap(cfg.ramBytes(), bios.length, Vga.DEFAULT_VRAM_SIZE);
        this.phys = new PhysMemory(map.hostRam(), new PhysMemory.Mmio() {
            public long read(long pa, int size) {
                return mmio.read(pa, size);
            }

            public void write(long pa, int size, long value) {
                mmio.write(pa, size, value);
            }
        });
        phys.load(map.biosHostOffset(), bios, 0, bios.length);
        map.mapFixed(phys);

        for (int i = 0; i < GSI_COUNT; i++) gsi[i] = new IrqLine("gsi" + i);
        pic = new I8259(intr, log);
        for (int i = 0; i < 16; i++) if (i != 2) gsi[i].connect(pic.input(i));
        // the local APIC and the I/O APIC; the 8259's INT reaches the CPU through LINT0
        lapic = new LocalApic(clock, this::wake);
        ioapic = new IoApic(lapic::deliver);
        lapic.setEoiListener(ioapic::eoi);
        for (int i = 0; i < GSI_COUNT; i++) gsi[i].connect(ioapic.input(i));
        intr.connect(lapic::lint0); // ExtINT (or the APIC disabled): the APIC wakes the CPU
        mmio.map(IoApic.BASE, 0x1000, 4, ioapic, "ioapic");
        mmio.map(LocalApic.DEFAULT_BASE, 0x1000, 4, lapic, "apic");
        a20.connect(phys::setA20);

        // PCI: host bridge, PIIX3 ISA bridge, PIIX4 PM
        pciBus = new PciBus(io, mmio, log);
        i440fx = new I440fx(cfg.ramBytes(), this::applyPam);
        piix3 = new Piix3Isa(pciBus, java.util.Arrays.copyOf(gsi, 16), this::requestReset);
        pciBus.setRouter(piix3);
        pm = new PiixPm(clock, gsi[9], this::requestPowerOff, null, log);
        piix4pm = new Piix4Pm(pm, io);
        pciHost = new PciHost(pciBus, new IoDevice() {
            public long read(long offset, int size) {
                return piix3.rcrRead();
            }

            public void write(long offset, int size, long value) {
                piix3.rcrWrite((int) value);
            }
        });
        pciHost.attach(io);
        pciBus.plug(i440fx, 0, 0);
        pciBus.plug(piix3, 1, 0);
        pciBus.plug(piix4pm, 1, 3);

        // 02.0: std VGA; its frame buffer lives in host RAM so BAR0 maps as RAM
        vga = new Vga(map.hostRam().segment().asSlice(map.vramHostOffset(), map.vramSize()));
        vga.mapPorts(io);
        mmio.map(Vga.LOWMEM_BASE, Vga.LOWMEM_SIZE, 4, vga.lowMem(), "vga-lowmem");
        vgaPci = new VgaPci(vga, loadOptional(VgaPci.ROM_NAME, cfg), new PciBar() {
            public void map(long addr) {
                phys.mapRam(addr, map.vramSize(), map.vramHostOffset());
            }

            public void unmap(long addr) {
                phys.unmap(addr, map.vramSize());
            }
        });
        pciBus.plug(vgaPci, VgaPci.SLOT, 0);

        // ISA devices (QEMU's pc port map)
        io.map(0x20, 2, 1, pic.master(), "pic-master");
        io.map(0xa0, 2, 1, pic.slave(), "pic-slave");
        io.map(0x4d0, 2, 1, pic.elcr(), "elcr");
        pit = new I8254(clock, gsi[0]);
        io.map(0x40, 4, 1, pit, "pit");
        hpet = new Hpet(clock, gsi, on -> pit.setIrqEnabled(!on));
        mmio.map(Hpet.BASE, 0x400, 8, hpet, "hpet");
        speaker = new PcSpeaker(pit);
        io.map(0x61, 1, 1, speaker, "pcspk");
        rtc = new Mc146818(clock, gsi[8], System.currentTimeMillis() * 1_000_000L);
        io.map(0x70, 2, 1, rtc, "rtc");
        kbc = new I8042(new Ps2Keyboard(), new Ps2Mouse(), gsi[1], gsi[12], a20, this::requestReset, log);
        io.map(0x60, 1, 1, kbc.dataPort(), "i8042-data");
        io.map(0x64, 1, 1, kbc.commandPort(), "i8042-cmd");
        port92 = new Port92(a20, this::requestReset);
        io.map(0x92, 1, 1, port92, "port92");
        io.map(0x80, 1, 1, new Port80(), "port80");
        io.map(0xb2, 2, 1, new Apm(pm::apmCommand), "apm");
        io.map(0xafe0, 4, 1, pm.gpe(), "piix4-gpe0");
        io.map(0x8900, 1, 1, new BochsShutdown(this::requestPowerOff), "bochs-shutdown");

        List<String> serialSpecs = cfg.serials() == null ? List.of() : cfg.serials();
        for (int i = 0; i < Math.min(serialSpecs.size(), COM_PORTS.length); i++) {
            String spec = serialSpecs.get(i);
            if (spec == null || spec.equals("none")) continue;
            Serial16550 s = new Serial16550(clock, gsi[COM_IRQS[i]], open(chardevs, spec), log);
            io.map(COM_PORTS[i], 8, 1, s, "serial" + i);
            serials.add(s);
        }

        // 01.1 IDE, the floppy controller and ISA DMA (storage's PcDrives)
        drives = PcDrives.install(io, pciBus, dmaMemory(), n -> gsi[n], cfg.drives(), cfg.devices(), cfg.snapshot());

        fwCfg = new FwCfg(dmaMemory(), log);
        io.map(0x510, 2, 2, fwCfg.ctl(), "fw_cfg");
        io.map(0x514, 8, 4, fwCfg.dmaPort(), "fw_cfg-dma");

        for (MachineConfig.Device d : cfg.devices() == null ? List.<MachineConfig.Device>of() : cfg.devices())
            addDevice(d, chardevs);

        PcFirmwareConfig.setup(this);
        PcCmos.setup(this);
        drives.writeCmos(rtc);
    }

    /** A firmware file from the -L / built-in directories, or null if there is none (a device without ROM). */
    private static byte[] loadOptional(String name, MachineConfig cfg) {
        java.nio.file.Path p = Firmware.find(name, cfg.dataDirs());
        if (p == null) return null;
        try {
            return java.nio.file.Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static CharBackend open(Function<String, CharBackend> chardevs, String spec) {
        CharBackend b = chardevs == null ? null : chardevs.apply(spec);
        return b == null ? CharBackend.NULL : b;
    }

    private void addDevice(MachineConfig.Device d, Function<String, CharBackend> chardevs) {
        Map<String, String> p = d.props();
        switch (d.driver()) {
            case "isa-debug-exit" -> {
                int base = intProp(d, "iobase", 0x501), size = intProp(d, "iosize", 2);
                io.map(base, size, 4, new DebugExit(st -> events.debugExit(st)), "isa-debug-exit");
            }
            case "isa-debugcon" -> {
                int base = intProp(d, "iobase", 0xe9);
                String id = p.get("chardev");
                String spec = id == null ? null : cfg.chardevs() == null ? null : cfg.chardevs().get(id);
                if (id != null && spec == null) throw new ToolError("-device isa-debugcon: Property 'isa-debugcon.chardev' can't find value '" + id + "'");
                io.map(base, 1, 1, new DebugCon(spec == null ? CharBackend.NULL : open(chardevs, spec),
                        intProp(d, "readback", 0xe9)), "isa-debugcon");
            }
            default -> {
                // other drivers (ide-hd, VGA...) are plugged by their owners through pciBus()
            }
        }
    }

    private static int intProp(MachineConfig.Device d, String key, int dflt) {
        String v = d.props().get(key);
        if (v == null) return dflt;
        try {
            return v.startsWith("0x") || v.startsWith("0X") ? Integer.parseInt(v.substring(2), 16) : Integer.decode(v);
        } catch (NumberFormatException e) {
            throw new ToolError("-device " + d.driver() + ": Property '" + d.driver() + "." + key + "' doesn't take value '" + v + "'");
        }
    }

    private void applyPam(I440fx b) {
        for (int i = 0; i < 13; i++) map.applyPam(phys, I440fx.pamBase(i), I440fx.pamSize(i), b.pamMode(i));
    }

    private DmaMemory dmaMemory() {
        return new DmaMemory() {
            public boolean read(long addr, byte[] dst, int off, int len) {
                if (!phys.isRam(addr, len)) return false;
                phys.readBytes(addr, dst, off, len);
                return true;
            }

            public boolean write(long addr, byte[] src, int off, int len) {
                if (!phys.isRam(addr, len)) return false;
                phys.writeBytes(addr, src, off, len);
                return true;
            }
        };
    }

    private void wake() {
        PcInterrupts ic = interrupts;
        if (ic != null) ic.wake();
    }

    private void requestReset() {
        events.resetRequest();
    }

    private void requestPowerOff() {
        events.powerOff();
    }

    // ---- what the vCPU loop uses ----

    public void setEvents(Events e) {
        this.events = e;
    }

    public MachineConfig config() {
        return cfg;
    }

    public PhysMemory phys() {
        return phys;
    }

    public VirtualClock clock() {
        return clock;
    }

    /** The CPU's port space (IN/OUT). */
    public PortIo portIo() {
        return new PortIo() {
            public long in(int port, int size) {
                return io.read(port, size) & (size == 4 ? 0xffffffffL : (1L << (8 * size)) - 1);
            }

            public void out(int port, int size, long value) {
                io.write(port, size, (int) value);
            }
        };
    }

    /**
     * The CPU's interrupt pins; {@code kick} wakes the vCPU loop (a halted CPU, or one running a long block)
     * after the board has set {@code cpu.exitRequest}.
     */
    public InterruptController interrupts(X86Cpu cpu, Runnable kick) {
        PcInterrupts ic = new PcInterrupts(pic, lapic, cpu, kick);
        cpu.apic = new CpuApic() { // CR8 and IA32_APIC_BASE reach the local APIC
            public long readCr8() {
                return lapic.cr8();
            }

            public void writeCr8(long value) {
                lapic.setCr8(value);
            }

            public long readApicBase() {
                return lapic.apicBase();
            }

            public boolean writeApicBase(long value) {
                long old = lapic.apicBase() & ~0xfffL;
                if (!lapic.setApicBase(value)) return false;
                long now = lapic.apicBase() & ~0xfffL;
                if (now != old) { // relocated: move the register page
                    mmio.unmap(old);
                    mmio.map(now, 0x1000, 4, lapic, "apic");
                }
                return true;
            }
        };
        interrupts = ic;
        return ic;
    }

    /** A system reset: every device back to its power-on state, PAM closed, A20 on. The CPU is the loop's. */
    public void reset() {
        pciBus.reset();
        pic.reset();
        lapic.reset();
        ioapic.reset();
        pit.reset();
        hpet.reset();
        rtc.reset();
        kbc.reset();
        port92.reset();
        for (Serial16550 s : serials) s.reset();
        drives.reset();
        a20.set(true);
    }

    // ---- for other parts of the board (front's LinuxBoot, storage, vga) and tests ----

    public IoBus ioBus() {
        return io;
    }

    public MmioBus mmioBus() {
        return mmio;
    }

    public PciBus pciBus() {
        return pciBus;
    }

    public PciHost pciHost() {
        return pciHost;
    }

    public FwCfg fwCfg() {
        return fwCfg;
    }

    public PcMemoryMap memoryMap() {
        return map;
    }

    /** GSI {@code n}: ISA IRQs 0-15, PCI 16-23 (what a device outside the board raises). */
    public IrqLine gsi(int n) {
        return gsi[n];
    }

    public I8259 pic() {
        return pic;
    }

    /** The CPU's local APIC (CR8 and IA32_APIC_BASE go here). */
    public LocalApic lapic() {
        return lapic;
    }

    public IoApic ioapic() {
        return ioapic;
    }

    public I8254 pit() {
        return pit;
    }

    public Hpet hpet() {
        return hpet;
    }

    public Mc146818 rtc() {
        return rtc;
    }

    public I8042 i8042() {
        return kbc;
    }

    /**
     * The PCI set-up SeaBIOS would have done, for a direct -kernel boot: the ACPI PM block decodes at 0x600
     * (so that the guest's ACPI power-off reaches it) and the IDE channels decode.
     */
    public void firmwareInit() {
        piix4pm.firmwareInit();
        drives.ide.firmwareInit();
    }

    public PcDrives drives() {
        return drives;
    }

    public Vga vga() {
        return vga;
    }

    public PiixPm pm() {
        return pm;
    }

    /** COM ports in order (only those -serial asked for). */
    public List<Serial16550> serials() {
        return serials;
    }

    public Log log() {
        return log;
    }
}
