package dev.jemu.hw.core;

/**
 * Guest-physical memory as a DMA-capable device sees it (fw_cfg DMA, later IDE bus mastering and virtio).
 * The board implements it over guest RAM; a transfer that touches anything but RAM fails as a whole.
 */
public interface DmaMemory {
    /** Copies guest memory at {@code addr} into {@code dst}; false if the range is not all RAM. */
    boolean read(long addr, byte[] dst, int off, int len);

    /** Copies {@code src} into guest memory at {@code addr}; false if the range is not all RAM. */
    boolean write(long addr, byte[] src, int off, int len);

    /** Fills guest memory with {@code value}; false if the range is not all RAM. */
    default boolean fill(long addr, int value, long len) {
        byte[] chunk = new byte[(int) Math.min(len, 4096)];
        java.util.Arrays.fill(chunk, (byte) value);
        for (long done = 0; done < len; ) {
            int n = (int) Math.min(chunk.length, len - done);
            if (!write(addr + done, chunk, 0, n)) return false;
            done += n;
        }
        return true;
    }
}
