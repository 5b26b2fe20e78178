package dev.jemu;

import java.util.ArrayList;

import dev.jemu.hw.nvram.FwCfg;

import dev.jemu.accel.Accelerator;
import dev.jemu.accel.Board;
import dev.jemu.accel.kvm.KvmAccel;
import dev.jemu.accel.kvm.KvmException;
import dev.jemu.accel.MachineControl;
import dev.jemu.accel.SystemCpu;
import dev.jemu.accel.tcg.SyscpuBridge;
import dev.jemu.accel.tcg.TcgVcpu;
import dev.jemu.cli.SystemOptions;
import dev.jemu.cli.ToolError;
import dev.jemu.hw.character.CharBackend;
import dev.jemu.hw.character.Serial16550;
import dev.jemu.hw.core.VirtualClock;
import dev.jemu.machine.MachineConfig;
import dev.jemu.machine.pc.AcpiBuilder;
import dev.jemu.machine.pc.AcpiInstaller;
import dev.jemu.machine.pc.LinuxBoot;
import dev.jemu.machine.pc.Multiboot;
import dev.jemu.machine.pc.PcFirmwareConfig;
import dev.jemu.machine.pc.PcMachine;
import dev.jemu.memory.PhysMemory;
import dev.jemu.target.x86.CpuModel;
import dev.jemu.target.x86.InterruptController;
import dev.jemu.target.x86.PortIo;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.ui.Chardevs;
import dev.jemu.ui.StdioConsole;
import dev.jemu.ui.TerminationSignals;
import dev.jemu.util.Log;
import dev.jemu.target.x86.system.Seg;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** jemu-system-x86_64 / jemu-system-i386: a whole PC, as qemu-system-x86_64 -M pc -accel tcg. */
public final class SystemMain {
    private SystemMain() {}

    public static int run(String tool, int bits, String[] args) {
        MachineConfig cfg;
        try {
            cfg = SystemOptions.parse(tool, bits, args);
        } catch (SystemOptions.EarlyExit e) {
            return e.status;
        }
        Log log = new Log();
        if (cfg.logItems() != null) log.enable(cfg.logItems());
        if (cfg.logFile() != null) {
            try {
                log.toFile(cfg.logFile().toString());
            } catch (IOException e) {
                throw new ToolError("Error opening logfile " + cfg.logFile() + ": " + reason(e));
            }
        }
        checkRam(cfg.ramBytes());
        byte[] kernel = cfg.kernel() == null ? null : LinuxBoot.readFile(cfg.kernel(), "kernel");
        // multiboot kernels (their -initrd is a module list, read by Multiboot) are loaded directly, or with -bios
        // through SeaBIOS and MultibootRom; Linux ones directly or through SeaBIOS and LinuxBootRom
        // (LinuxBoot.bootsDirectly says which)
        boolean multiboot = kernel != null && !LinuxBoot.isLinux(kernel) && Multiboot.findHeader(kernel) >= 0;
        boolean direct = kernel != null && (multiboot ? cfg.firmware() == null : LinuxBoot.bootsDirectly(kernel, cfg.firmware() != null));
        byte[] initrd = cfg.initrd() == null || multiboot ? null : LinuxBoot.readFile(cfg.initrd(), "initrd");

        // Host ends of the character devices, opened once per spec.
        Map<String, Chardevs.Host> hosts = new LinkedHashMap<>();
        PcMachine pc = new PcMachine(cfg, spec -> hosts.computeIfAbsent(spec, Chardevs::open).backend, log);
        if (kernel != null && !direct && multiboot) {
            for (String w : Multiboot.loadForFirmware(pc.fwCfg(), kernel, cfg.kernel().toString(),
                    cfg.initrd() == null ? null : cfg.initrd().toString(), cfg.append(), PcFirmwareConfig.e820(pc.memoryMap())))
                System.err.println(tool + ": warning: " + w);
        } else if (kernel != null && !direct) {
            LinuxBoot.loadForFirmware(pc.fwCfg(), kernel, initrd, cfg.append(), pc.memoryMap().belowFourG());
        }
        SystemCpu sys = SyscpuBridge.create();
        TcgVcpu[] vcpu = new TcgVcpu[1];
        Board board = new Board() {
            public PhysMemory phys() {
                return pc.phys();
            }

            public PortIo portIo() {
                return pc.portIo();
            }

            public InterruptController interrupts(X86Cpu cpu) {
                return pc.interrupts(cpu, () -> vcpu[0].wake());
            }

            public VirtualClock clock() {
                return pc.clock();
            }

            public void reset() {
                pc.reset();
            }

            public void attach(MachineControl c) {
                pc.setEvents(new PcMachine.Events() {
                    public void resetRequest() {
                        c.requestReset();
                    }

                    public void powerOff() {
                        c.requestPowerOff();
                    }

                    public void debugExit(int status) {
                        c.requestExit(status);
                    }
                });
            }

            public void boot(X86Cpu cpu) {
                if (!direct) return; // no -kernel, or SeaBIOS loads it (LinuxBootRom)
                if (multiboot) {
                    pc.firmwareInit();
                    Multiboot.Loaded m = Multiboot.load(pc.phys(), kernel, cfg.kernel().toString(),
                            cfg.initrd() == null ? null : cfg.initrd().toString(), cfg.append(),
                            PcFirmwareConfig.e820(pc.memoryMap()), cfg.bits() == 64);
                    for (String w : m.warnings()) System.err.println(tool + ": warning: " + w);
                    enter32(cpu, new LinuxBoot.Entry(m.entry(), 0, LinuxBoot.GDT, 31));
                    pc.phys().writeBytes(LinuxBoot.GDT, LinuxBoot.gdt(), 0, 32);
                    cpu.regs[X86Cpu.RAX] = Multiboot.BOOTLOADER_MAGIC;
                    cpu.regs[X86Cpu.RBX] = Multiboot.MBI;
                    sys.refreshModes(cpu);
                    return;
                }
                // No firmware runs: the ACPI tables (power-off through PM1a, the APICs) go at the top of low RAM,
                // reserved in the e820 map, and the kernel is told where the RSDP is.
                long low = pc.memoryMap().belowFourG(), acpiBase = low - AcpiInstaller.WINDOW;
                List<FwCfg.E820Entry> e820 = new ArrayList<>();
                for (FwCfg.E820Entry e : PcFirmwareConfig.e820(pc.memoryMap())) {
                    if (e.address() == 0 && e.type() == FwCfg.E820Entry.RAM) {
                        e820.add(new FwCfg.E820Entry(0, acpiBase, FwCfg.E820Entry.RAM));
                        e820.add(new FwCfg.E820Entry(acpiBase, AcpiInstaller.WINDOW, FwCfg.E820Entry.ACPI));
                    } else {
                        e820.add(e);
                    }
                }
                pc.firmwareInit();
                LinuxBoot.Loaded l = LinuxBoot.load(pc.phys(), kernel, initrd, cfg.append(), acpiBase, e820);
                long rsdp = AcpiInstaller.install(pc.phys(), new AcpiBuilder(low, true, Math.max(1, cfg.cpus())), acpiBase);
                if (l.protocol() >= 0x20e) pc.phys().write(LinuxBoot.ZERO_PAGE + 0x70, 8, rsdp); // acpi_rsdp_addr
                enter32(cpu, l.entry());
                sys.refreshModes(cpu);
            }
        };
        Accelerator v;
        MachineControl control;
        if (cfg.accel().equals("kvm")) {
            KvmAccel k = startKvm(tool, cfg, pc, board);
            v = k;
            control = k;
        } else {
            vcpu[0] = new TcgVcpu(board, model(cfg), sys, cfg.noReboot(), cfg.noShutdown(), log);
            v = vcpu[0];
            control = vcpu[0];
        }

        // Input: the first stdio serial gets the terminal (with QEMU's Ctrl-A commands under -nographic).
        StdioConsole console = null;
        List<Serial16550> serials = pc.serials();
        for (int i = 0; i < cfg.serials().size() && i < serials.size(); i++) {
            String spec = cfg.serials().get(i);
            Serial16550 s = serials.get(i);
            Chardevs.Host h = hosts.get(spec);
            if (h == null) continue;
            java.util.function.IntConsumer in = b -> feed(control, s, b);
            if ((spec.equals("stdio") || spec.equals("mon:stdio")) && console == null) {
                console = new StdioConsole(tool, cfg.monitor().equals("stdio") || spec.startsWith("mon:"), System.out);
                console.start(System.in, new StdioConsole.Target() {
                    public void input(int b) {
                        in.accept(b);
                    }

                    public void sendBreak() {
                        control.runLocked(s::receiveBreak);
                    }

                    public void quit() {
                        v.shutdown(0);
                    }
                });
            } else {
                h.setInput(in);
            }
        }
        StdioConsole c = console;
        TerminationSignals.install(tool, v);
        try {
            return v.run();
        } finally {
            if (c != null) c.restore();
            System.out.flush();
            screendumpAtExit(pc);
        }
    }

    /**
     * A test aid until the monitor has {@code screendump}: with JEMU_SCREENDUMP=FILE set, the screen as it is when
     * the machine ends (power-off, SIGTERM, quit) goes to FILE as QEMU's screendump renders it (PNG), and a text
     * screen's characters to FILE.txt.
     */
    private static void screendumpAtExit(PcMachine pc) {
        String file = System.getenv("JEMU_SCREENDUMP");
        if (file == null || file.isEmpty()) return;
        try {
            dev.jemu.ui.Screendump.save(pc.vga(), java.nio.file.Path.of(file));
            String text = dev.jemu.ui.Screendump.text(pc.vga());
            if (text != null) Files.writeString(java.nio.file.Path.of(file + ".txt"), text);
        } catch (IOException e) {
            System.err.println("jemu: screendump to " + file + ": " + reason(e));
        }
    }

    /** Hands a byte to the UART, waiting (without holding the machine) while its FIFO is full. */
    private static void feed(MachineControl v, Serial16550 s, int b) {
        boolean[] done = new boolean[1];
        while (true) {
            v.runLocked(() -> {
                if (s.canReceive() > 0) {
                    s.receive(b);
                    done[0] = true;
                }
            });
            if (done[0]) return;
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * -accel kvm: the same board with its vCPUs on KVM (-smp N: N of them); the board's interrupt lines drive
     * the kernel's PIC and I/O APIC. KVM failures are one line, as QEMU's.
     */
    private static KvmAccel startKvm(String tool, MachineConfig cfg, PcMachine pc, Board board) {
        KvmAccel k;
        try {
            k = KvmAccel.create(board, new KvmAccel.Options(cfg.cpus(), cfg.cpuModel(), cfg.bits() == 64,
                    cfg.noReboot(), cfg.noShutdown(), System.err, tool));
        } catch (KvmException e) {
            throw new ToolError("-accel kvm: " + e.getMessage());
        }
        for (int i = 0; i < PcMachine.GSI_COUNT; i++) {
            int gsi = i;
            pc.gsi(i).connect(level -> k.setIrq(gsi, level));
        }
        return k;
    }

    /** The 32-bit boot protocol's entry state: protected mode, flat __BOOT_CS/__BOOT_DS, IF=0, ESI=zero page. */
    public static void enter32(X86Cpu cpu, LinuxBoot.Entry e) {
        cpu.cr0 |= 1; // PE
        cpu.gdtBase = e.gdtBase();
        cpu.gdtLimit = e.gdtLimit();
        cpu.setCpl(0);
        for (int s = 0; s < 6; s++) {
            boolean code = s == X86Cpu.CS;
            cpu.segSel[s] = code ? LinuxBoot.BOOT_CS : LinuxBoot.BOOT_DS;
            cpu.segBase[s] = 0;
            cpu.segLimit[s] = 0xffffffff;
            // the descriptor caches hold what LinuxBoot's GDT entries say (accessed, as after a load)
            cpu.segAttr[s] = Seg.attr(code ? LinuxBoot.FLAT_CODE : LinuxBoot.FLAT_DATA) | Seg.A_ACCESSED;
        }
        cpu.codeBits = 32;
        cpu.stackSize = 4;
        cpu.longMode = false;
        cpu.eflags = 0x2;
        for (int r = 0; r < 16; r++) cpu.regs[r] = 0;
        cpu.regs[X86Cpu.RSI] = e.esi();
        cpu.rip = e.eip();
    }

    static CpuModel model(MachineConfig cfg) {
        CpuModel m = CpuModel.max().forSystem(true); // the pc board has a local APIC
        switch (cfg.cpuModel()) {
            case "qemu64", "kvm64" -> m.features1Ecx &= CpuModel.SSE3 | CpuModel.CX16;
            case "qemu32", "kvm32" -> m = qemu32(cfg.cpuModel());
            default -> { }
        }
        if (cfg.bits() == 32) m.ext1Edx &= ~CpuModel.LM;
        return m;
    }

    /**
     * QEMU's qemu32 (jemu-system-i386's default): a GenuineIntel family 6 model 6 with the Pentium Pro feature
     * set plus SSE3 (no MTRR, no NX, no long mode) and the hypervisor bit, so that a 32-bit kernel takes the same paths as under
     * qemu-system-i386 (an AMD vendor sends it through AMD-only MSRs).
     */
    static CpuModel qemu32(String name) {
        CpuModel m = new CpuModel(name, "GenuineIntel", 6, 6, 3);
        m.features1Edx = CpuModel.FPU | CpuModel.DE | CpuModel.PSE | CpuModel.TSC | CpuModel.MSR | CpuModel.MCE
                | CpuModel.CX8 | CpuModel.PGE | CpuModel.CMOV | CpuModel.PAT | CpuModel.FXSR | CpuModel.MMX
                | CpuModel.SSE | CpuModel.SSE2 | CpuModel.PAE | CpuModel.SEP | CpuModel.APIC;
        m.features1Ecx = CpuModel.SSE3 | 1 << 31; // QEMU sets the hypervisor bit on every model
        m.brand = "QEMU Virtual CPU version 2.5+";
        return m;
    }

    /** -m larger than the host can give: QEMU's allocation error. */
    static void checkRam(long bytes) {
        long avail = Long.MAX_VALUE;
        try {
            for (String line : Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:") || line.startsWith("SwapTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    avail = (avail == Long.MAX_VALUE ? 0 : avail) + kb * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return;
        }
        if (Long.compareUnsigned(bytes, avail) > 0) throw new ToolError("cannot set up guest memory 'pc.ram': Cannot allocate memory");
    }

    private static String reason(IOException e) {
        if (e instanceof java.io.FileNotFoundException && e.getMessage() != null && e.getMessage().contains("(")) {
            String m = e.getMessage();
            return m.substring(m.lastIndexOf('(') + 1, m.length() - 1);
        }
        return e.getMessage();
    }
}
