package dev.jemu.accel.tcg;

import dev.jemu.accel.SystemCpu;
import dev.jemu.cli.ToolError;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * {@link SystemCpu} on syscpu's target/x86/system (Interrupts, Reset, Modes, TripleFault), looked up once by
 * name so that the loop builds and is tested while that package is being written. Replace with direct calls
 * once it is in main.
 */
public final class SyscpuBridge implements SystemCpu {
    private static final String PKG = "dev.jemu.target.x86.system.";
    private final MethodHandle deliver, deliverExternal, deliverNmi, powerOn, refresh;
    private final Class<?> tripleFault;

    private SyscpuBridge() throws ReflectiveOperationException {
        MethodHandles.Lookup l = MethodHandles.publicLookup();
        Class<?> irq = Class.forName(PKG + "Interrupts");
        deliver = l.findStatic(irq, "deliver", MethodType.methodType(void.class, X86Cpu.class, X86Exception.class));
        deliverExternal = l.findStatic(irq, "deliverExternal", MethodType.methodType(void.class, X86Cpu.class, int.class));
        deliverNmi = l.findStatic(irq, "deliverNmi", MethodType.methodType(void.class, X86Cpu.class));
        powerOn = l.findStatic(Class.forName(PKG + "Reset"), "powerOn", MethodType.methodType(void.class, X86Cpu.class));
        MethodHandle r;
        try {
            r = l.findStatic(Class.forName(PKG + "Modes"), "refresh", MethodType.methodType(void.class, X86Cpu.class));
        } catch (ReflectiveOperationException e) {
            r = null;
        }
        refresh = r;
        tripleFault = Class.forName(PKG + "TripleFault");
    }

    /** The bridge, or a ToolError saying the build lacks system-mode CPU support. */
    public static SystemCpu create() {
        try {
            return new SyscpuBridge();
        } catch (ReflectiveOperationException e) {
            throw new ToolError("this build has no system-mode CPU support yet (target/x86/system: " + e.getMessage() + ")");
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    @Override
    public void powerOn(X86Cpu cpu) {
        try {
            powerOn.invokeExact(cpu);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void deliver(X86Cpu cpu, X86Exception e) {
        try {
            deliver.invokeExact(cpu, e);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void deliverExternal(X86Cpu cpu, int vector) {
        try {
            deliverExternal.invokeExact(cpu, vector);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void deliverNmi(X86Cpu cpu) {
        try {
            deliverNmi.invokeExact(cpu);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public boolean isTripleFault(RuntimeException e) {
        return tripleFault.isInstance(e);
    }

    @Override
    public void refreshModes(X86Cpu cpu) {
        if (refresh == null) return;
        try {
            refresh.invokeExact(cpu);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
