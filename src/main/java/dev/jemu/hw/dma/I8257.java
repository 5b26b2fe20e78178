package dev.jemu.hw.dma;

import dev.jemu.hw.core.DmaMemory;
import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.IoDevice;

/**
 * The PC's pair of Intel 8237/8257 DMA controllers, as QEMU's i8257: controller 0 (8-bit channels 0-3) at
 * ports 0x00-0x0f, controller 1 (16-bit channels 4-7, ports spaced by two) at 0xc0-0xdf, and the page
 * registers at 0x81-0x83/0x87 (channels 2, 3, 1, 0) and 0x89-0x8b/0x8f (6, 7, 5, 4). Port 0x80 (POST codes)
 * and the unused 0x84-0x86, 0x88, 0x8c-0x8e are not ours: the board owns them.
 *
 * <p>A device asks for service with {@link #holdDreq}; when its channel is unmasked (now or later) the
 * controller calls the device's {@link Handler}, which moves bytes with {@link #transfer}. The terminal
 * count sets the channel's TC bit in the status register (and reloads an auto-initialising channel).
 */
public final class I8257 {
    /** A device's side of a channel: called when the channel is requested and unmasked. */
    @FunctionalInterface
    public interface Handler {
        void run(int channel);
    }

    // controller register indexes (port = base + (index << shift))
    public static final int REG_CMD_STATUS = 8, REG_REQUEST = 9, REG_SINGLE_MASK = 10, REG_MODE = 11,
            REG_CLEAR_FF = 12, REG_MASTER_CLEAR = 13, REG_CLEAR_MASK = 14, REG_WRITE_MASK = 15;
    // mode register: transfer type
    public static final int MODE_VERIFY = 0, MODE_WRITE = 1, MODE_READ = 2; // WRITE: device -> memory
    public static final int MODE_AUTOINIT = 0x10, MODE_DECREMENT = 0x20;

    /** Page register port offsets from 0x80 (or 0x88) for channels 0-3 of a controller. */
    private static final int[] PAGE_PORT = {7, 3, 1, 2};

    private final DmaMemory mem;
    private final Controller[] ctl = {new Controller(0), new Controller(1)};
    private final Handler[] handlers = new Handler[8];
    private final boolean[] dreq = new boolean[8];

    /** One 8237: four channels, its flip-flop, mask, status. */
    private final class Controller implements IoDevice {
        final int shift;
        final int[] baseAddr = new int[4], baseCount = new int[4], curAddr = new int[4], curCount = new int[4];
        final int[] mode = new int[4], page = new int[4];
        int command, status, mask = 0xf, flipFlop;

        Controller(int shift) {
            this.shift = shift;
        }

        void reset() {
            command = status = flipFlop = 0;
            mask = 0xf;
        }

        @Override
        public long read(long offset, int size) {
            int reg = (int) offset >> shift;
            if (((int) offset & ((1 << shift) - 1)) != 0) return 0xff;
            if (reg < 8) {
                int ch = reg >> 1;
                int dir = (mode[ch] & MODE_DECREMENT) != 0 ? -1 : 1;
                int val = (reg & 1) != 0 ? (baseCount[ch] << shift) - curCount[ch]
                        : curAddr[ch] + curCount[ch] * dir;
                int ff = flipFlop;
                flipFlop ^= 1;
                return (val >> (shift + (ff << 3))) & 0xff;
            }
            return switch (reg) {
                case REG_CMD_STATUS -> {
                    int v = status | requests();
                    status &= 0xf0;
                    yield v;
                }
                case REG_WRITE_MASK -> mask;
                default -> 0;
            };
        }

        private int requests() {
            int r = 0;
            for (int i = 0; i < 4; i++) if (dreq[(shift << 2) + i]) r |= 0x10 << i;
            return r;
        }

        @Override
        public void write(long offset, int size, long value) {
            if (((int) offset & ((1 << shift) - 1)) != 0) return;
            int reg = (int) offset >> shift;
            int v = (int) value & 0xff;
            if (reg < 8) {
                int ch = reg >> 1;
                int[] base = (reg & 1) != 0 ? baseCount : baseAddr;
                if (flipFlop != 0) {
                    base[ch] = (base[ch] & 0xff) | (v << 8);
                    initChannel(ch);
                } else {
                    base[ch] = (base[ch] & 0xff00) | v;
                }
                flipFlop ^= 1;
                return;
            }
            switch (reg) {
                case REG_CMD_STATUS -> command = v;
                case REG_REQUEST -> {
                    int ch = v & 3;
                    if ((v & 4) != 0) status |= 1 << (ch + 4);
                    else status &= ~(1 << (ch + 4));
                    status &= ~(1 << ch);
                }
                case REG_SINGLE_MASK -> {
                    if ((v & 4) != 0) mask |= 1 << (v & 3);
                    else mask &= ~(1 << (v & 3));
                }
                case REG_MODE -> mode[v & 3] = v;
                case REG_CLEAR_FF -> flipFlop = 0;
                case REG_MASTER_CLEAR -> reset();
                case REG_CLEAR_MASK -> mask = 0;
                case REG_WRITE_MASK -> mask = v & 0xf;
                default -> {
                }
            }
            if (reg == REG_SINGLE_MASK || reg == REG_CLEAR_MASK || reg == REG_WRITE_MASK) runPending();
        }

        void initChannel(int ch) {
            curAddr[ch] = baseAddr[ch] << shift;
            curCount[ch] = 0;
        }
    }

    public I8257(DmaMemory mem) {
        this.mem = mem;
    }

    /** Maps both controllers and the page registers (not 0x80) on {@code io}. */
    public void map(IoBus io) {
        io.map(0x00, 16, 1, ctl[0], "dma0");
        io.map(0xc0, 32, 1, ctl[1], "dma1");
        IoDevice pages = pageRegisters();
        io.map(0x81, 3, 1, offsetBy(pages, 1), "dma-page");
        io.map(0x87, 1, 1, offsetBy(pages, 7), "dma-page0");
        io.map(0x89, 3, 1, offsetBy(pages, 9), "dma-page-high");
        io.map(0x8f, 1, 1, offsetBy(pages, 15), "dma-page4");
    }

    private static IoDevice offsetBy(IoDevice d, int delta) {
        return new IoDevice() {
            public long read(long offset, int size) {
                return d.read(offset + delta, size);
            }

            public void write(long offset, int size, long value) {
                d.write(offset + delta, size, value);
            }
        };
    }

    /** The page registers as one 16-port block for 0x80-0x8f (offset 0 and the unused ports read 0). */
    public IoDevice pageRegisters() {
        return new IoDevice() {
            public long read(long offset, int size) {
                int ch = pageChannel((int) offset);
                return ch < 0 ? 0 : ctl[ch >> 2].page[ch & 3];
            }

            public void write(long offset, int size, long value) {
                int ch = pageChannel((int) offset);
                if (ch >= 0) ctl[ch >> 2].page[ch & 3] = (int) value & 0xff;
            }
        };
    }

    private static int pageChannel(int off) {
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 4; i++) if (PAGE_PORT[i] + 8 * c == off) return 4 * c + i;
        return -1;
    }

    public IoDevice controller(int i) {
        return ctl[i];
    }

    public void reset() {
        ctl[0].reset();
        ctl[1].reset();
    }

    /** Connects a device to channel {@code ch} (the floppy uses 2). */
    public void register(int ch, Handler h) {
        handlers[ch] = h;
    }

    /** The device raises DREQ: it is served at once if the channel is unmasked, else when it is unmasked. */
    public void holdDreq(int ch) {
        dreq[ch] = true;
        runPending();
    }

    public void releaseDreq(int ch) {
        dreq[ch] = false;
    }

    private boolean running;

    private void runPending() {
        if (running) return;
        running = true;
        try {
            for (int ch = 0; ch < 8; ch++) {
                Controller c = ctl[ch >> 2];
                if (dreq[ch] && (c.mask & (1 << (ch & 3))) == 0 && handlers[ch] != null)
                    handlers[ch].run(ch);
            }
        } finally {
            running = false;
        }
    }

    /** The transfer type programmed for a channel: {@link #MODE_WRITE} (to memory), {@link #MODE_READ}... */
    public int transferType(int ch) {
        return (ctl[ch >> 2].mode[ch & 3] >> 2) & 3;
    }

    public boolean masked(int ch) {
        return (ctl[ch >> 2].mask & (1 << (ch & 3))) != 0;
    }

    /** Bytes the channel still has to move before its terminal count. */
    public int remaining(int ch) {
        Controller c = ctl[ch >> 2];
        int i = ch & 3;
        return ((c.baseCount[i] + 1) << c.shift) - c.curCount[i];
    }

    /**
     * Moves up to {@code len} bytes between {@code buf} and memory at the channel's current address (the
     * page register supplies bits 16-23); {@code toMemory} is the device-to-memory direction. Stops at the
     * terminal count, sets TC and reloads an auto-initialising channel. Returns the bytes moved.
     */
    public int transfer(int ch, byte[] buf, int off, int len, boolean toMemory) {
        Controller c = ctl[ch >> 2];
        int i = ch & 3;
        int n = Math.min(len, remaining(ch));
        if (n <= 0) return 0;
        boolean down = (c.mode[i] & MODE_DECREMENT) != 0;
        long base = (long) c.page[i] << 16;
        if (!down) {
            long addr = base + c.curAddr[i] + c.curCount[i];
            boolean ok = toMemory ? mem.write(addr, buf, off, n) : mem.read(addr, buf, off, n);
            if (!ok && !toMemory) java.util.Arrays.fill(buf, off, off + n, (byte) 0xff);
        } else {
            for (int k = 0; k < n; k++) {
                long addr = base + c.curAddr[i] - (c.curCount[i] + k);
                if (toMemory) mem.write(addr, buf, off + k, 1);
                else if (!mem.read(addr, buf, off + k, 1)) buf[off + k] = (byte) 0xff;
            }
        }
        c.curCount[i] += n;
        if (remaining(ch) == 0) {
            c.status |= 1 << i;
            if ((c.mode[i] & MODE_AUTOINIT) != 0) c.initChannel(i);
        }
        return n;
    }
}
