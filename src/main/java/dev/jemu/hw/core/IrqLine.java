package dev.jemu.hw.core;

/**
 * One interrupt wire. A device drives its output line with {@link #set}, {@link #raise}, {@link #lower} or
 * {@link #pulse}; whoever the board connected to the line (an interrupt controller input, a second controller
 * for the same GSI, a test) hears every change. Like QEMU's qemu_irq, every call is passed on, even one that
 * does not change the level: an edge-triggered receiver keeps its own memory of the last level.
 */
public final class IrqLine {
    /** The receiving end of a line: an interrupt controller's input pin, or anything else that listens. */
    @FunctionalInterface
    public interface Listener {
        void irqChanged(boolean level);
    }

    private static final Listener[] NONE = {};

    private final String name;
    private Listener[] listeners = NONE;
    private boolean level;

    public IrqLine(String name) {
        this.name = name;
    }

    public IrqLine(String name, Listener listener) {
        this(name);
        connect(listener);
    }

    /** Adds a receiver; a line may feed several (the 8259 and the I/O APIC both hear ISA IRQs). */
    public void connect(Listener listener) {
        Listener[] l = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        l[listeners.length] = listener;
        listeners = l;
    }

    public void set(boolean level) {
        this.level = level;
        for (Listener l : listeners) l.irqChanged(level);
    }

    public void raise() {
        set(true);
    }

    public void lower() {
        set(false);
    }

    /** A rising edge followed by a falling one, for edge-triggered receivers. */
    public void pulse() {
        set(true);
        set(false);
    }

    /** The level last driven. */
    public boolean level() {
        return level;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name + "=" + (level ? 1 : 0);
    }
}
