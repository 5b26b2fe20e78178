package dev.jemu.target.x86.system;

import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/** Hardware task switches (JMP/CALL/INT through task gates or TSS descriptors, IRET with NT). */
public final class TaskSwitch {
    private TaskSwitch() {}

    public static final int JMP = 0, CALL = 1, INT = 2, IRET = 3;

    /** Switches to the task whose TSS selector is {@code sel}. Not implemented yet: #GP(selector). */
    static void switchTask(X86Cpu c, int sel, int how, int ext, long ret) {
        throw X86Exception.fault(X86Exception.GP, (sel & 0xfffc) | ext);
    }

    /** IRET with NT set: returns to the task linked in the current TSS. Not implemented yet: #TS(link). */
    static void iretTask(X86Cpu c) {
        throw X86Exception.fault(X86Exception.TS, 0);
    }
}
