package dev.jemu.hw.ide;

import dev.jemu.hw.core.DmaMemory;
import dev.jemu.hw.core.IoDevice;

/**
 * One channel's SFF-8038i bus-master registers (BMIDE, 8 ports: command, status, PRD table address) and the
 * physical region descriptor walk. A PRD is 8 bytes in guest memory: a 32-bit buffer address, a 16-bit byte
 * count (0 = 64 KiB) and bit 31 of the second dword marking the last entry. Transfers run to completion when
 * both the drive has a DMA command and the START bit is set, whichever comes second (as QEMU's bmdma).
 */
public final class BusMasterDma implements IoDevice {
    public static final int BM_CMD = 0, BM_STATUS = 2, BM_PRD = 4;
    public static final int CMD_START = 0x01, CMD_READ = 0x08; // READ: the bus master writes to memory
    public static final int STATUS_ACTIVE = 0x01, STATUS_ERROR = 0x02, STATUS_INT = 0x04,
            STATUS_DRV0_DMA = 0x20, STATUS_DRV1_DMA = 0x40, STATUS_SIMPLEX = 0x80;

    private final DmaMemory mem;
    private IdeChannel channel;
    private final byte[] prd = new byte[8];

    int cmd, status;
    long prdTable;
    // the walk through the PRD table
    private long curPrd;
    private long curAddr;
    private int curLeft;
    private boolean lastPrd;

    public BusMasterDma(DmaMemory mem) {
        this.mem = mem;
    }

    void attach(IdeChannel ch) {
        this.channel = ch;
    }

    public void reset() {
        cmd = 0;
        status = 0;
        prdTable = 0;
        curLeft = 0;
        lastPrd = false;
    }

    @Override
    public long read(long offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) v |= (long) readByte((int) offset + i) << (8 * i);
        return v;
    }

    private int readByte(int off) {
        return switch (off & 7) {
            case BM_CMD -> cmd;
            case BM_STATUS -> status;
            case 4, 5, 6, 7 -> (int) (prdTable >>> (8 * ((off & 7) - 4))) & 0xff;
            default -> 0;
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        for (int i = 0; i < size; i++) writeByte((int) offset + i, (int) (value >>> (8 * i)) & 0xff);
    }

    private void writeByte(int off, int v) {
        switch (off & 7) {
            case BM_CMD -> writeCommand(v);
            case BM_STATUS -> status = (v & (STATUS_DRV0_DMA | STATUS_DRV1_DMA))
                    | (status & ~(STATUS_DRV0_DMA | STATUS_DRV1_DMA) & ~(v & (STATUS_ERROR | STATUS_INT)));
            case 4, 5, 6, 7 -> {
                int shift = 8 * ((off & 7) - 4);
                prdTable = (prdTable & ~(0xffL << shift)) | ((long) v << shift);
                prdTable &= 0xfffffffcL;
            }
            default -> {
            }
        }
    }

    private void writeCommand(int v) {
        if ((v & CMD_START) != (cmd & CMD_START)) {
            if ((v & CMD_START) == 0) {
                // transfers are synchronous: whatever was running has finished
                status &= ~STATUS_ACTIVE;
                cmd = v & 0x09;
                return;
            }
            curPrd = prdTable;
            curLeft = 0;
            lastPrd = false;
            cmd = v & 0x09;
            if ((status & STATUS_ACTIVE) == 0) {
                status |= STATUS_ACTIVE;
                if (channel != null) channel.dmaStarted();
            }
            return;
        }
        cmd = v & 0x09;
    }

    boolean active() {
        return (status & STATUS_ACTIVE) != 0;
    }

    /** The drive's interrupt went up (QEMU's bmdma_irq sets INT on every raise). */
    void interrupt() {
        status |= STATUS_INT;
    }

    /** The command ended: ACTIVE stays set only if the PRDs described more than was moved. */
    void setInactive(boolean more) {
        if (more) status |= STATUS_ACTIVE;
        else status &= ~STATUS_ACTIVE;
    }

    /** True if the PRD table has room left after the last transfer. */
    boolean prdsLeft() {
        return curLeft > 0 || !lastPrd;
    }

    /**
     * Moves up to {@code len} bytes between {@code buf} and guest memory along the PRD table; returns how many
     * moved (fewer when the table ends, or when a descriptor points outside RAM: that sets the ERROR bit).
     */
    int transfer(byte[] buf, int off, int len, boolean toMemory) {
        int done = 0;
        while (done < len) {
            if (curLeft == 0) {
                if (lastPrd) break;
                if (!mem.read(curPrd, prd, 0, 8)) {
                    status |= STATUS_ERROR;
                    lastPrd = true;
                    break;
                }
                curAddr = (prd[0] & 0xffL) | (prd[1] & 0xffL) << 8 | (prd[2] & 0xffL) << 16 | (prd[3] & 0xffL) << 24;
                int count = (prd[4] & 0xfe) | (prd[5] & 0xff) << 8;
                curLeft = count == 0 ? 0x10000 : count;
                lastPrd = (prd[7] & 0x80) != 0;
                curPrd += 8;
            }
            int n = Math.min(curLeft, len - done);
            boolean ok = toMemory ? mem.write(curAddr, buf, off + done, n) : mem.read(curAddr, buf, off + done, n);
            if (!ok) {
                status |= STATUS_ERROR;
                curLeft = 0;
                lastPrd = true;
                break;
            }
            curAddr += n;
            curLeft -= n;
            done += n;
        }
        return done;
    }
}
