package dev.jemu.accel.kvm;

import dev.jemu.memory.PhysMemory;

/** The register dump QEMU prints when KVM stops a guest (x86_cpu_dump_state with CPU_DUMP_CODE), from KVM's registers. */
final class KvmDump {
    private KvmDump() {}

    private static final String[] SEG = {"ES", "CS", "SS", "DS", "FS", "GS"};
    private static final int[] KVM_SEG = {KvmVcpu.ES, KvmVcpu.CS, KvmVcpu.SS, KvmVcpu.DS, KvmVcpu.FS, KvmVcpu.GS};
    private static final String[] SYS_TYPE = {"Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate",
            "IntGate16", "TrapGate16", "Reserved", "TSS32-avl", "Reserved", "TSS32-busy", "CallGate32", "Reserved",
            "IntGate32", "TrapGate32"};
    private static final String[] SYS_TYPE64 = {"<hiword>", "Reserved", "LDT", "Reserved", "Reserved", "Reserved",
            "Reserved", "Reserved", "Reserved", "TSS64-avl", "Reserved", "TSS64-busy", "CallGate64", "Reserved",
            "IntGate64", "TrapGate64"};

    /** Reads the vCPU's registers and formats them; {@code phys} (may be null) gives the Code= line. */
    static String dump(KvmVcpu v, PhysMemory phys) {
        return dump(v, phys, true);
    }

    /** {@code wide}: qemu-system-x86_64's 16-digit debug registers outside long mode (false: qemu-system-i386's 8). */
    static String dump(KvmVcpu v, PhysMemory phys, boolean wide) {
        StringBuilder b = new StringBuilder();
        try {
            v.getRegs();
            v.getSregs();
        } catch (KvmException e) {
            return "(registers unavailable: " + e.getMessage() + ")\n";
        }
        long efer = v.sreg(KvmVcpu.SR_EFER), cr0 = v.sreg(KvmVcpu.SR_CR0);
        boolean lma = (efer & 0x400) != 0, pe = (cr0 & 1) != 0;
        long fl = v.reg(KvmVcpu.RFLAGS);
        String flags = String.format("[%c%c%c%c%c%c%c]", c(fl, 10, 'D'), c(fl, 11, 'O'), c(fl, 7, 'S'), c(fl, 6, 'Z'),
                c(fl, 4, 'A'), c(fl, 2, 'P'), c(fl, 0, 'C'));
        int cpl = v.segAttr(KvmVcpu.SS) >> 13 & 3;
        int hlt = v.mpState() == 3 ? 1 : 0; // KVM_MP_STATE_HALTED: QEMU's cs->halted
        if (lma) {
            b.append(String.format("RAX=%016x RBX=%016x RCX=%016x RDX=%016x%n", v.reg(0), v.reg(1), v.reg(2), v.reg(3)));
            b.append(String.format("RSI=%016x RDI=%016x RBP=%016x RSP=%016x%n", v.reg(4), v.reg(5), v.reg(7), v.reg(6)));
            b.append(String.format("R8 =%016x R9 =%016x R10=%016x R11=%016x%n", v.reg(8), v.reg(9), v.reg(10), v.reg(11)));
            b.append(String.format("R12=%016x R13=%016x R14=%016x R15=%016x%n", v.reg(12), v.reg(13), v.reg(14), v.reg(15)));
            b.append(String.format("RIP=%016x RFL=%08x %s CPL=%d II=0 A20=1 SMM=0 HLT=%d%n", v.reg(16), fl, flags, cpl, hlt));
        } else {
            b.append(String.format("EAX=%08x EBX=%08x ECX=%08x EDX=%08x%n", (int) v.reg(0), (int) v.reg(1), (int) v.reg(2), (int) v.reg(3)));
            b.append(String.format("ESI=%08x EDI=%08x EBP=%08x ESP=%08x%n", (int) v.reg(4), (int) v.reg(5), (int) v.reg(7), (int) v.reg(6)));
            b.append(String.format("EIP=%08x EFL=%08x %s CPL=%d II=0 A20=1 SMM=0 HLT=%d%n", (int) v.reg(16), fl, flags, cpl, hlt));
        }
        for (int i = 0; i < 6; i++) seg(b, SEG[i], v, KVM_SEG[i], lma, pe);
        seg(b, "LDT", v, KvmVcpu.LDT, lma, pe);
        seg(b, "TR", v, KvmVcpu.TR, lma, pe);
        if (lma) {
            b.append(String.format("GDT=     %016x %08x%n", v.gdtBase(), v.gdtLimit()));
            b.append(String.format("IDT=     %016x %08x%n", v.idtBase(), v.idtLimit()));
            b.append(String.format("CR0=%08x CR2=%016x CR3=%016x CR4=%08x%n", cr0, v.sreg(KvmVcpu.SR_CR2),
                    v.sreg(KvmVcpu.SR_CR3), v.sreg(KvmVcpu.SR_CR4)));
        } else {
            b.append(String.format("GDT=     %08x %08x%n", (int) v.gdtBase(), v.gdtLimit()));
            b.append(String.format("IDT=     %08x %08x%n", (int) v.idtBase(), v.idtLimit()));
            b.append(String.format("CR0=%08x CR2=%08x CR3=%08x CR4=%08x%n", cr0, (int) v.sreg(KvmVcpu.SR_CR2),
                    (int) v.sreg(KvmVcpu.SR_CR3), v.sreg(KvmVcpu.SR_CR4)));
        }
        long[] dr = v.debugRegisters();
        if (dr == null) dr = new long[]{0, 0, 0, 0, 0, 0, 0xffff0ff0L, 0x400};
        String drFmt = wide || lma ? "%016x" : "%08x";
        for (int i = 0; i < 4; i++) b.append(String.format("DR%d=" + drFmt + " ", i, dr[i]));
        b.append(String.format("%nDR6=" + drFmt + " DR7=" + drFmt + "%n", dr[6], dr[7]));
        b.append(String.format("EFER=%016x%n", efer));
        if (phys != null) {
            // Code= as QEMU: 50 bytes, up to 20 of them before the instruction, the byte at CS:IP in <>; read
            // through the guest's page tables (KVM_TRANSLATE) when paging is on; ?? where there is no RAM/ROM
            long ip = lma ? v.reg(16) : v.reg(16) & 0xffffffffL;
            long offs = Math.min(ip, 20), base = v.segBase(KvmVcpu.CS) + ip - offs;
            boolean paging = (cr0 & 0x80000000L) != 0;
            b.append("Code=");
            for (int i = 0; i < 50; i++) {
                long la = base + i, pa = paging ? v.translate(la) : lma ? la : la & 0xffffffffL;
                String x = pa < 0 || phys.hostOffset(pa) < 0 ? "??" : String.format("%02x", phys.read(pa, 1));
                b.append(i > 0 ? " " : "").append(i == offs ? "<" + x + ">" : x);
            }
            b.append(System.lineSeparator());
        }
        return b.toString();
    }

    private static char c(long fl, int bit, char ch) {
        return (fl >> bit & 1) != 0 ? ch : '-';
    }

    private static void seg(StringBuilder b, String name, KvmVcpu v, int s, boolean lma, boolean pe) {
        int attr = v.segUnusable(s) && s != KvmVcpu.TR ? 0 : v.segAttr(s);
        if (lma) b.append(String.format("%-3s=%04x %016x %08x %08x", name, v.segSelector(s), v.segBase(s), v.segLimit(s), attr));
        else b.append(String.format("%-3s=%04x %08x %08x %08x", name, v.segSelector(s), (int) v.segBase(s), v.segLimit(s), attr));
        if (pe && (attr & 0x8000) != 0) {
            b.append(String.format(" DPL=%d ", attr >> 13 & 3));
            int type = attr >> 8 & 15;
            if ((attr & 0x1000) != 0) {
                if ((type & 8) != 0) {
                    b.append((attr & 0x200000) != 0 && lma ? "CS64" : (attr & 0x400000) != 0 ? "CS32" : "CS16");
                    b.append(String.format(" [%c%c%c]", (type & 4) != 0 ? 'C' : '-', (type & 2) != 0 ? 'R' : '-', (type & 1) != 0 ? 'A' : '-'));
                } else {
                    b.append((attr & 0x400000) != 0 || lma ? "DS  " : "DS16");
                    b.append(String.format(" [%c%c%c]", (type & 4) != 0 ? 'E' : '-', (type & 2) != 0 ? 'W' : '-', (type & 1) != 0 ? 'A' : '-'));
                }
            } else {
                b.append(lma ? SYS_TYPE64[type] : SYS_TYPE[type]);
            }
        }
        b.append(System.lineSeparator());
    }
}
