package dev.jemu.hw.input;

/**
 * An IBM MF2 keyboard on the PS/2 port (QEMU's ps2-kbd): the command set a BIOS and atkbd use, and key events
 * as scan code set 2 (set 1 if selected; set 3 is accepted but answered with set 2 codes). The 8042's
 * translation to set 1 happens in {@link I8042}, as on real hardware.
 *
 * <p>Keys are injected by {@link #keyEvent} in QEMU's "qnum" numbering, which is what VNC's extended key events
 * carry: the set 1 make code, plus 0x80 for keys with an E0 prefix (right Ctrl = 0x9d, Up = 0xc8); PrintScreen
 * is 0xb7 and Pause 0xc6.
 */
public final class Ps2Keyboard extends Ps2Device {
    public static final int CMD_SET_LEDS = 0xed, CMD_ECHO = 0xee, CMD_SCANCODE = 0xf0, CMD_GET_ID = 0xf2,
            CMD_SET_RATE = 0xf3, CMD_ENABLE = 0xf4, CMD_RESET_DISABLE = 0xf5, CMD_RESET_ENABLE = 0xf6,
            CMD_SET_ALL_TYPEMATIC = 0xf7, CMD_SET_KEY_TYPE_LAST = 0xfd, CMD_RESEND = 0xfe, CMD_RESET = 0xff;
    public static final int ID_BYTE1 = 0xab, ID_BYTE2 = 0x83;
    public static final int QNUM_PRINT = 0xb7, QNUM_PAUSE = 0xc6;

    /** The 8042's set 2 to set 1 translation (every byte from the keyboard passes it when enabled). */
    static final byte[] TRANSLATE = new byte[256];
    /** Set 1 (7-bit) to set 2 codes, the inverse of the translation for real keys. */
    static final byte[] SET1_TO_SET2 = new byte[128];

    static {
        int[] t = {
                0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
                0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a, 0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
                0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c, 0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
                0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, 0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
                0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60, 0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
                0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e, 0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
                0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, 0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
                0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45, 0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
                0x80, 0x81, 0x82, 0x41, 0x54};
        for (int i = 0; i < 256; i++) TRANSLATE[i] = (byte) (i < t.length ? t[i] : i);
        for (int s2 = 0x7f; s2 >= 1; s2--) SET1_TO_SET2[t[s2]] = (byte) s2; // lowest set 2 code wins
        SET1_TO_SET2[0x41] = (byte) 0x83; // F7: set 2 code 0x83 (0x02 is unused)
        SET1_TO_SET2[0x54] = (byte) 0x84; // SysRq (Alt+PrintScreen)
    }

    public record State(byte[] queue, boolean scanEnabled, int scancodeSet, int leds, int pendingCmd) {
    }

    private boolean scanEnabled = true;
    private int scancodeSet = 2;
    private int leds;
    private int pendingCmd = -1;
    private final byte[] buf = new byte[8];

    public Ps2Keyboard() {
    }

    @Override
    public void write(int b) {
        b &= 0xff;
        if (pendingCmd >= 0) {
            int cmd = pendingCmd;
            pendingCmd = -1;
            startReply();
            switch (cmd) {
                case CMD_SCANCODE -> {
                    if (b == 0) {
                        reply(ACK);
                        reply(scancodeSet);
                    } else if (b <= 3) {
                        scancodeSet = b;
                        reply(ACK);
                    } else {
                        reply(RESEND);
                    }
                }
                case CMD_SET_LEDS -> {
                    leds = b & 7;
                    reply(ACK);
                }
                default -> reply(ACK); // typematic rate/delay, set 3 key types
            }
            return;
        }
        startReply();
        switch (b) {
            case CMD_GET_ID -> {
                reply(ACK);
                reply(ID_BYTE1);
                reply(ID_BYTE2);
            }
            case CMD_ECHO -> reply(CMD_ECHO);
            case CMD_ENABLE -> {
                scanEnabled = true;
                reply(ACK);
            }
            case CMD_SCANCODE, CMD_SET_LEDS, CMD_SET_RATE, 0xfb, 0xfc, CMD_SET_KEY_TYPE_LAST -> {
                pendingCmd = b;
                reply(ACK);
            }
            case CMD_RESET_DISABLE -> {
                resetState();
                scanEnabled = false;
                reply(ACK);
            }
            case CMD_RESET_ENABLE -> {
                resetState();
                reply(ACK);
            }
            case CMD_RESET -> {
                resetState();
                clearQueues();
                reply(ACK);
                reply(BAT_OK);
            }
            case 0xf7, 0xf8, 0xf9, 0xfa -> reply(ACK);
            default -> reply(RESEND);
        }
    }

    private void resetState() {
        scanEnabled = true;
        scancodeSet = 2;
        leds = 0;
    }

    /** Power-on state. */
    public void reset() {
        resetState();
        pendingCmd = -1;
        clearQueues();
    }

    /** LED state last set by the guest: bit 0 Scroll Lock, 1 Num Lock, 2 Caps Lock. */
    public int leds() {
        return leds;
    }

    public int scancodeSet() {
        return scancodeSet;
    }

    /**
     * A key went down or up ({@code qnum} as described in the class comment). Dropped while scanning is disabled
     * or the keyboard's buffer is full. Returns whether it was queued.
     */
    public boolean keyEvent(int qnum, boolean down) {
        if (!scanEnabled) return false;
        int n = 0;
        boolean e0 = (qnum & 0x80) != 0;
        int code = qnum & 0x7f;
        if (scancodeSet == 1) {
            if (qnum == QNUM_PAUSE) {
                if (!down) return true;
                n = put(0, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
            } else if (qnum == QNUM_PRINT) {
                n = down ? put(0, 0xe0, 0x2a, 0xe0, 0x37) : put(0, 0xe0, 0xb7, 0xe0, 0xaa);
            } else {
                if (e0) buf[n++] = (byte) 0xe0;
                buf[n++] = (byte) (code | (down ? 0 : 0x80));
            }
        } else {
            if (qnum == QNUM_PAUSE) {
                if (!down) return true;
                n = put(0, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77);
            } else if (qnum == QNUM_PRINT) {
                n = down ? put(0, 0xe0, 0x12, 0xe0, 0x7c) : put(0, 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12);
            } else {
                int s2 = SET1_TO_SET2[code] & 0xff;
                if (s2 == 0) return false; // no such key
                if (e0) buf[n++] = (byte) 0xe0;
                if (!down) buf[n++] = (byte) 0xf0;
                buf[n++] = (byte) s2;
            }
        }
        return queueEvent(buf, n);
    }

    private int put(int at, int... bytes) {
        for (int b : bytes) buf[at++] = (byte) b;
        return at;
    }

    public State save() {
        return new State(saveQueue(), scanEnabled, scancodeSet, leds, pendingCmd);
    }

    public void restore(State s) {
        restoreQueue(s.queue());
        scanEnabled = s.scanEnabled();
        scancodeSet = s.scancodeSet();
        leds = s.leds();
        pendingCmd = s.pendingCmd();
    }
}
