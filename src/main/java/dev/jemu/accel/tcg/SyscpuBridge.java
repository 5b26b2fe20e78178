package dev.jemu.accel.tcg;

import dev.jemu.accel.SystemCpu;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.system.Interrupts;
import dev.jemu.target.x86.system.Modes;
import dev.jemu.target.x86.system.Reset;
import dev.jemu.target.x86.system.TripleFault;

/** {@link SystemCpu} on syscpu's target/x86/system: Interrupts, Reset, Modes, TripleFault. */
public final class SyscpuBridge implements SystemCpu {
    private SyscpuBridge() {}

    public static SystemCpu create() {
        return new SyscpuBridge();
    }

    @Override
    public void powerOn(X86Cpu cpu) {
        Reset.powerOn(cpu);
    }

    @Override
    public void deliver(X86Cpu cpu, X86Exception e) {
        Interrupts.deliver(cpu, e);
    }

    @Override
    public void deliverExternal(X86Cpu cpu, int vector) {
        Interrupts.deliverExternal(cpu, vector);
    }

    @Override
    public void deliverNmi(X86Cpu cpu) {
        Interrupts.deliverNmi(cpu);
    }

    @Override
    public boolean isTripleFault(RuntimeException e) {
        return e instanceof TripleFault;
    }

    @Override
    public void refreshModes(X86Cpu cpu) {
        Modes.refresh(cpu);
    }
}
