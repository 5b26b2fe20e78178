package dev.jemu.hw.input;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.util.Log;

/**
 * The Intel 8042 keyboard controller at ports 0x60 ({@link #dataPort()}) and 0x64 ({@link #commandPort()}: status
 * on read, command on write), two separate one-port mappings since 0x61 between them is another device; with a
 * {@link Ps2Keyboard} on its first port (IRQ 1) and a {@link Ps2Mouse} on its auxiliary port (IRQ 12).
 * It has one output buffer: controller replies go first, then keyboard data, then mouse data, each device being
 * held off while its interface is disabled in the command byte. With the command byte's translate bit set, bytes
 * from the keyboard pass the 8042's set 2 to set 1 table (F0 prefixes fold into bit 7). The output port carries
 * the A20 gate (bit 1, {@code a20} line) and the CPU reset (bit 0, pulsed low by command 0xfe).
 */
public final class I8042 {

    // status register
    public static final int STAT_OBF = 0x01, STAT_IBF = 0x02, STAT_SYS = 0x04, STAT_CMD = 0x08,
            STAT_UNLOCKED = 0x10, STAT_AUX_OBF = 0x20, STAT_TIMEOUT = 0x40, STAT_PARITY = 0x80;
    // command byte ("mode")
    public static final int CB_KBD_INT = 0x01, CB_AUX_INT = 0x02, CB_SYS = 0x04, CB_KBD_DISABLE = 0x10,
            CB_AUX_DISABLE = 0x20, CB_TRANSLATE = 0x40;
    // output port
    public static final int OUT_RESET = 0x01, OUT_A20 = 0x02, OUT_OBF = 0x10, OUT_AUX_OBF = 0x20;
    // controller commands
    public static final int CMD_READ_CB = 0x20, CMD_WRITE_CB = 0x60, CMD_AUX_DISABLE = 0xa7,
            CMD_AUX_ENABLE = 0xa8, CMD_AUX_TEST = 0xa9, CMD_SELF_TEST = 0xaa, CMD_KBD_TEST = 0xab,
            CMD_KBD_DISABLE = 0xad, CMD_KBD_ENABLE = 0xae, CMD_READ_INPUT = 0xc0, CMD_READ_OUTPUT = 0xd0,
            CMD_WRITE_OUTPUT = 0xd1, CMD_WRITE_KBD_OBUF = 0xd2, CMD_WRITE_AUX_OBUF = 0xd3, CMD_WRITE_AUX = 0xd4,
            CMD_DISABLE_A20 = 0xdd, CMD_ENABLE_A20 = 0xdf, CMD_READ_TEST_INPUTS = 0xe0, CMD_PULSE = 0xf0,
            CMD_RESET = 0xfe;
    public static final int SELF_TEST_OK = 0x55;

    public record State(int status, int mode, int outport, int pendingCmd, boolean obFull, boolean obAux,
                        int obData, int ctrlData, int ctrlPending, boolean f0Seen, Ps2Keyboard.State kbd,
                        Ps2Mouse.State mouse) {
    }

    private final Ps2Keyboard kbd;
    private final Ps2Mouse mouse;
    private final IrqLine kbdIrq, auxIrq, a20;
    private final Runnable resetRequest;
    private final Log log;

    private int status, mode, outport;
    private int pendingCmd; // 0: data port bytes go to the keyboard
    private boolean obFull, obAux;
    private int obData;
    // one controller reply slot: 0 none, 1 keyboard-side, 2 aux-side (D3)
    private int ctrlData, ctrlPending;
    private boolean f0Seen; // translation: an F0 from the keyboard sets bit 7 of the next byte

    /**
     * @param a20          the output port's A20 gate bit (high = A20 enabled)
     * @param resetRequest asks the board for a system reset (output port bit 0 pulsed or written low)
     */
    public I8042(Ps2Keyboard kbd, Ps2Mouse mouse, IrqLine kbdIrq, IrqLine auxIrq, IrqLine a20,
                 Runnable resetRequest, Log log) {
        this.kbd = kbd;
        this.mouse = mouse;
        this.kbdIrq = kbdIrq;
        this.auxIrq = auxIrq;
        this.a20 = a20;
        this.resetRequest = resetRequest;
        this.log = log;
        kbd.setListener(this::pump);
        mouse.setListener(this::pump);
        reset();
    }

    /** Power-on state (QEMU's kbd_reset): interrupts on, translation off until the BIOS sets it. */
    public void reset() {
        mode = CB_KBD_INT | CB_AUX_INT;
        status = STAT_CMD | STAT_UNLOCKED;
        outport = OUT_RESET | OUT_A20 | 0xcc;
        pendingCmd = 0;
        obFull = obAux = false;
        ctrlPending = 0;
        f0Seen = false;
        kbd.reset();
        mouse.reset();
        updateIrq();
    }

    public Ps2Keyboard keyboard() {
        return kbd;
    }

    public Ps2Mouse mouse() {
        return mouse;
    }

    /** Port 0x60: reads the output buffer, writes data (to the keyboard, or a controller command's argument). */
    public IoDevice dataPort() {
        return dataPort;
    }

    /** Port 0x64: reads the status register, writes controller commands. */
    public IoDevice commandPort() {
        return commandPort;
    }

    private final IoDevice dataPort = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            return readData();
        }

        @Override
        public void write(long offset, int size, long value) {
            status &= ~STAT_CMD;
            data((int) value & 0xff);
        }
    };

    private final IoDevice commandPort = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            return statusByte();
        }

        @Override
        public void write(long offset, int size, long value) {
            status |= STAT_CMD;
            command((int) value & 0xff);
        }
    };

    private int readData() {
        int v = obData;
        if (obFull) {
            obFull = false;
            // drop the line first so that a next byte makes a fresh edge
            kbdIrq.set(false);
            auxIrq.set(false);
            pump();
            if (!obFull) obData = v; // an empty buffer keeps reading the last byte
        }
        return v;
    }

    private int statusByte() {
        int s = status & ~(STAT_OBF | STAT_AUX_OBF);
        if (obFull) s |= obAux ? STAT_OBF | STAT_AUX_OBF : STAT_OBF;
        return s;
    }

    private void command(int val) {
        // F0-FF pulse output port bits 3-0 where the command's bit is 0; only bit 0 (reset) matters
        if ((val & CMD_PULSE) == CMD_PULSE) {
            if ((val & 1) == 0) resetRequest.run();
            return;
        }
        switch (val) {
            case CMD_READ_CB -> ctrlReply(mode, false);
            case CMD_WRITE_CB, CMD_WRITE_OUTPUT, CMD_WRITE_KBD_OBUF, CMD_WRITE_AUX_OBUF, CMD_WRITE_AUX ->
                    pendingCmd = val;
            case CMD_AUX_DISABLE -> {
                mode |= CB_AUX_DISABLE;
                updateIrq();
            }
            case CMD_AUX_ENABLE -> {
                mode &= ~CB_AUX_DISABLE;
                pump();
            }
            case CMD_AUX_TEST, CMD_KBD_TEST -> ctrlReply(0x00, false); // no clock or data line stuck
            case CMD_SELF_TEST -> {
                status |= STAT_SYS;
                ctrlReply(SELF_TEST_OK, false);
            }
            case CMD_KBD_DISABLE -> {
                mode |= CB_KBD_DISABLE;
                updateIrq();
            }
            case CMD_KBD_ENABLE -> {
                mode &= ~CB_KBD_DISABLE;
                pump();
            }
            case CMD_READ_INPUT -> ctrlReply(0x80, false); // keyboard not inhibited
            case CMD_READ_OUTPUT -> ctrlReply(outputPort(), false);
            case CMD_ENABLE_A20 -> writeOutputPort(outport | OUT_A20);
            case CMD_DISABLE_A20 -> writeOutputPort(outport & ~OUT_A20);
            case CMD_READ_TEST_INPUTS -> ctrlReply(0x00, false);
            default -> {
                if (log != null && log.on(Log.Item.GUEST_ERRORS))
                    log.printf("i8042: unsupported controller command 0x%02x%n", val);
            }
        }
    }

    private void data(int val) {
        int cmd = pendingCmd;
        pendingCmd = 0;
        switch (cmd) {
            case 0 -> {
                // talking to the keyboard re-enables its interface (as QEMU)
                mode &= ~CB_KBD_DISABLE;
                kbd.write(val);
                pump();
            }
            case CMD_WRITE_CB -> {
                mode = val;
                if ((val & CB_SYS) != 0) status |= STAT_SYS;
                else status &= ~STAT_SYS;
                pump();
                updateIrq();
            }
            case CMD_WRITE_OUTPUT -> writeOutputPort(val);
            case CMD_WRITE_KBD_OBUF -> ctrlReply(val, false);
            case CMD_WRITE_AUX_OBUF -> ctrlReply(val, true);
            case CMD_WRITE_AUX -> {
                mode &= ~CB_AUX_DISABLE;
                mouse.write(val);
                pump();
            }
            default -> {
            }
        }
    }

    private int outputPort() {
        int v = outport & ~(OUT_OBF | OUT_AUX_OBF);
        if (obFull) v |= obAux ? OUT_AUX_OBF : OUT_OBF;
        return v;
    }

    private void writeOutputPort(int val) {
        outport = val;
        a20.set((val & OUT_A20) != 0);
        if ((val & OUT_RESET) == 0) resetRequest.run();
    }

    /** A reply from the controller itself; it waits for the output buffer like any byte. */
    private void ctrlReply(int b, boolean aux) {
        ctrlData = b;
        ctrlPending = aux ? 2 : 1;
        pump();
    }

    /** Fills the output buffer if it is free: controller reply, then keyboard, then mouse. */
    private void pump() {
        if (!obFull) {
            if (ctrlPending != 0) {
                obData = ctrlData;
                obAux = ctrlPending == 2;
                ctrlPending = 0;
                obFull = true;
            } else if ((mode & CB_KBD_DISABLE) == 0 && kbd.hasData()) {
                int b = kbd.read();
                if ((mode & CB_TRANSLATE) != 0) {
                    // an F0 is swallowed and marks the next byte as a break code
                    while (b == 0xf0) {
                        f0Seen = true;
                        if (!kbd.hasData()) {
                            updateIrq();
                            return;
                        }
                        b = kbd.read();
                    }
                    b = Ps2Keyboard.TRANSLATE[b] & 0xff | (f0Seen ? 0x80 : 0);
                    f0Seen = false;
                }
                obData = b;
                obAux = false;
                obFull = true;
            } else if ((mode & CB_AUX_DISABLE) == 0 && mouse.hasData()) {
                obData = mouse.read();
                obAux = true;
                obFull = true;
            }
        }
        updateIrq();
    }

    private void updateIrq() {
        boolean k = obFull && !obAux && (mode & CB_KBD_INT) != 0 && (mode & CB_KBD_DISABLE) == 0;
        boolean m = obFull && obAux && (mode & CB_AUX_INT) != 0;
        kbdIrq.set(k);
        auxIrq.set(m);
    }

    /** The A20 gate as the output port sets it. */
    public boolean a20() {
        return (outport & OUT_A20) != 0;
    }

    public State save() {
        return new State(status, mode, outport, pendingCmd, obFull, obAux, obData, ctrlData, ctrlPending, f0Seen,
                kbd.save(), mouse.save());
    }

    public void restore(State s) {
        status = s.status();
        mode = s.mode();
        outport = s.outport();
        pendingCmd = s.pendingCmd();
        obFull = s.obFull();
        obAux = s.obAux();
        obData = s.obData();
        ctrlData = s.ctrlData();
        ctrlPending = s.ctrlPending();
        f0Seen = s.f0Seen();
        kbd.restore(s.kbd());
        mouse.restore(s.mouse());
        updateIrq();
    }
}
