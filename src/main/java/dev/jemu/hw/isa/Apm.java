package dev.jemu.hw.isa;

import dev.jemu.hw.core.IoDevice;

import java.util.function.IntConsumer;

/**
 * The APM control/status ports 0xb2/0xb3 (QEMU's hw/isa/apm.c). A write to the control port is the ACPI FADT's
 * SMI_CMD: the PIIX4 power management answers ACPI_ENABLE (0xf1) and ACPI_DISABLE (0xf0) by setting and clearing
 * SCI_EN (see {@link dev.jemu.hw.acpi.PiixPm#apmCommand}). The status port is a plain scratch byte.
 */
public final class Apm implements IoDevice {
    public static final int CONTROL = 0, STATUS = 1;

    public record State(int control, int status) {
    }

    private final IntConsumer onControl;
    private int control, status;

    /** @param onControl told each byte written to the control port (SMI_CMD) */
    public Apm(IntConsumer onControl) {
        this.onControl = onControl;
    }

    @Override
    public long read(long offset, int size) {
        return offset == CONTROL ? control : status;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset == CONTROL) {
            control = (int) value & 0xff;
            onControl.accept(control);
        } else {
            status = (int) value & 0xff;
        }
    }

    public State save() {
        return new State(control, status);
    }

    public void restore(State s) {
        control = s.control();
        status = s.status();
    }
}
