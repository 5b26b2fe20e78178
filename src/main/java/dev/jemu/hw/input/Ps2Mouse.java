package dev.jemu.hw.input;

/**
 * A PS/2 mouse (QEMU's ps2-mouse): stream and remote mode, wrap mode, sample rate and resolution, and the
 * IntelliMouse (ID 3, wheel) and IntelliMouse Explorer (ID 4, wheel + buttons 4/5) extensions, switched on by
 * the usual sample-rate knocks 200-100-80 and 200-200-80. Motion is injected by {@link #event} and sent as
 * packets while reporting is enabled in stream mode; large motions go out as several packets of at most 127.
 */
public final class Ps2Mouse extends Ps2Device {
    public static final int CMD_SET_SCALE11 = 0xe6, CMD_SET_SCALE21 = 0xe7, CMD_SET_RES = 0xe8,
            CMD_STATUS = 0xe9, CMD_SET_STREAM = 0xea, CMD_READ_DATA = 0xeb, CMD_RESET_WRAP = 0xec,
            CMD_SET_WRAP = 0xee, CMD_SET_REMOTE = 0xf0, CMD_GET_ID = 0xf2, CMD_SET_SAMPLE = 0xf3,
            CMD_ENABLE = 0xf4, CMD_DISABLE = 0xf5, CMD_SET_DEFAULTS = 0xf6, CMD_RESEND = 0xfe, CMD_RESET = 0xff;
    public static final int STATUS_REMOTE = 0x40, STATUS_ENABLED = 0x20, STATUS_SCALE21 = 0x10;
    public static final int BUTTON_LEFT = 0x01, BUTTON_RIGHT = 0x02, BUTTON_MIDDLE = 0x04, BUTTON_4 = 0x08,
            BUTTON_5 = 0x10;

    public record State(byte[] queue, int status, int resolution, int sampleRate, boolean wrap, int type,
                        int detect, int dx, int dy, int dz, int buttons, int pendingCmd) {
    }

    private int status, resolution = 2, sampleRate = 100, type, detect;
    private boolean wrap;
    private int dx, dy, dz, buttons;
    private int pendingCmd = -1;
    private final byte[] packet = new byte[4];

    @Override
    public void write(int b) {
        b &= 0xff;
        if (pendingCmd >= 0) {
            int cmd = pendingCmd;
            pendingCmd = -1;
            startReply();
            if (cmd == CMD_SET_SAMPLE) {
                sampleRate = b;
                knock(b);
            } else {
                resolution = b & 3;
            }
            reply(ACK);
            return;
        }
        if (wrap) {
            if (b == CMD_RESET_WRAP) {
                wrap = false;
                startReply();
                reply(ACK);
                return;
            }
            if (b != CMD_RESET) {
                startReply();
                reply(b); // echo
                return;
            }
        }
        startReply();
        switch (b) {
            case CMD_SET_SCALE11 -> {
                status &= ~STATUS_SCALE21;
                reply(ACK);
            }
            case CMD_SET_SCALE21 -> {
                status |= STATUS_SCALE21;
                reply(ACK);
            }
            case CMD_SET_STREAM -> {
                status &= ~STATUS_REMOTE;
                reply(ACK);
            }
            case CMD_SET_WRAP -> {
                wrap = true;
                reply(ACK);
            }
            case CMD_SET_REMOTE -> {
                status |= STATUS_REMOTE;
                reply(ACK);
            }
            case CMD_GET_ID -> {
                reply(ACK);
                reply(type);
            }
            case CMD_SET_RES, CMD_SET_SAMPLE -> {
                pendingCmd = b;
                reply(ACK);
            }
            case CMD_STATUS -> {
                reply(ACK);
                // buttons as the status byte numbers them: bit 0 right, bit 1 middle, bit 2 left
                int bt = ((buttons & BUTTON_LEFT) << 2) | ((buttons & BUTTON_MIDDLE) >> 1)
                        | ((buttons & BUTTON_RIGHT) >> 1);
                reply(status | bt);
                reply(resolution);
                reply(sampleRate);
            }
            case CMD_READ_DATA -> {
                reply(ACK);
                int n = buildPacket();
                for (int i = 0; i < n; i++) reply(packet[i] & 0xff);
            }
            case CMD_ENABLE -> {
                status |= STATUS_ENABLED;
                reply(ACK);
            }
            case CMD_DISABLE -> {
                status &= ~STATUS_ENABLED;
                reply(ACK);
            }
            case CMD_SET_DEFAULTS -> {
                defaults();
                reply(ACK);
            }
            case CMD_RESET -> {
                defaults();
                type = 0;
                wrap = false;
                clearQueues();
                reply(ACK);
                reply(BAT_OK);
                reply(type);
            }
            default -> reply(RESEND);
        }
    }

    private void defaults() {
        sampleRate = 100;
        resolution = 2;
        status = 0;
        dx = dy = dz = 0;
    }

    private void knock(int rate) {
        detect = switch (detect) {
            case 1 -> rate == 100 ? 2 : rate == 200 ? 3 : 0;
            case 2 -> {
                if (rate == 80) type = 3;
                yield 0;
            }
            case 3 -> {
                if (rate == 80) type = 4;
                yield 0;
            }
            default -> rate == 200 ? 1 : 0;
        };
    }

    /** Power-on state. */
    public void reset() {
        defaults();
        type = detect = 0;
        wrap = false;
        buttons = 0;
        pendingCmd = -1;
        clearQueues();
    }

    /**
     * Motion and buttons from the host: {@code dx} right, {@code dy} up (the PS/2 sense), {@code dz} wheel
     * toward the user, {@code buttons} as BUTTON_* bits. Ignored while reporting is disabled.
     */
    public void event(int dx, int dy, int dz, int buttons) {
        if ((status & STATUS_ENABLED) == 0) return;
        this.dx += dx;
        this.dy += dy;
        this.dz += dz;
        boolean changed = buttons != this.buttons;
        this.buttons = buttons;
        if ((status & STATUS_REMOTE) != 0) return;
        // stream mode: send what fits, several packets for big motions
        do {
            int need = type == 0 ? 3 : 4;
            if (eventSpace() < need) return;
            int n = buildPacket();
            queueEvent(packet, n);
            changed = false;
        } while (this.dx != 0 || this.dy != 0 || this.dz != 0 || changed);
    }

    /** One packet from the accumulated motion; the motion it carries is taken off the accumulators. */
    private int buildPacket() {
        int x = Math.clamp(dx, -127, 127), y = Math.clamp(dy, -127, 127);
        packet[0] = (byte) (0x08 | (x < 0 ? 0x10 : 0) | (y < 0 ? 0x20 : 0) | (buttons & 7));
        packet[1] = (byte) x;
        packet[2] = (byte) y;
        dx -= x;
        dy -= y;
        int n = 3;
        if (type == 3) {
            int z = Math.clamp(dz, -127, 127);
            packet[n++] = (byte) z;
            dz -= z;
        } else if (type == 4) {
            int z = Math.clamp(dz, -7, 7);
            packet[n++] = (byte) ((z & 0x0f) | ((buttons & 0x18) << 1));
            dz -= z;
        } else {
            dz = 0;
        }
        return n;
    }

    /** The device ID: 0 plain, 3 IntelliMouse, 4 IntelliMouse Explorer. */
    public int type() {
        return type;
    }

    public State save() {
        return new State(saveQueue(), status, resolution, sampleRate, wrap, type, detect, dx, dy, dz, buttons,
                pendingCmd);
    }

    public void restore(State s) {
        restoreQueue(s.queue());
        status = s.status();
        resolution = s.resolution();
        sampleRate = s.sampleRate();
        wrap = s.wrap();
        type = s.type();
        detect = s.detect();
        dx = s.dx();
        dy = s.dy();
        dz = s.dz();
        buttons = s.buttons();
        pendingCmd = s.pendingCmd();
    }
}
