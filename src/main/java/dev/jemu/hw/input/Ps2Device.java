package dev.jemu.hw.input;

/**
 * What a PS/2 keyboard and mouse share: bytes toward the controller wait in the device (a real device buffers
 * 16 bytes and holds them while the controller inhibits its clock). Replies to a command go ahead of queued
 * input; a new command drops replies nobody read. The controller pulls with {@link #read()} when its output
 * buffer is free and is told through the listener when a byte becomes available.
 */
public abstract class Ps2Device {
    /** The protocol's buffer: input events that do not fit are dropped. */
    public static final int QUEUE_SIZE = 16;
    public static final int ACK = 0xfa, RESEND = 0xfe, BAT_OK = 0xaa;

    private final byte[] events = new byte[QUEUE_SIZE];
    private int evHead, evCount;
    private final byte[] replies = new byte[8];
    private int rpHead, rpCount;
    private int last;
    private Runnable listener = () -> {
    };

    void setListener(Runnable listener) {
        this.listener = listener;
    }

    /** A byte from the host (the controller's data port). */
    public abstract void write(int b);

    public boolean hasData() {
        return rpCount > 0 || evCount > 0;
    }

    /** The next byte for the controller; with nothing queued, the last one again (as QEMU, for EMM386). */
    public int read() {
        if (rpCount > 0) {
            last = replies[rpHead] & 0xff;
            rpHead = (rpHead + 1) % replies.length;
            rpCount--;
        } else if (evCount > 0) {
            last = events[evHead] & 0xff;
            evHead = (evHead + 1) % QUEUE_SIZE;
            evCount--;
        }
        return last;
    }

    /** Starts the replies to a new command, dropping stale ones. */
    protected void startReply() {
        rpHead = rpCount = 0;
    }

    protected void reply(int b) {
        if (rpCount == replies.length) return;
        replies[(rpHead + rpCount++) % replies.length] = (byte) b;
        listener.run();
    }

    /** Queues an input event's bytes atomically; false (dropped) if they do not fit. */
    protected boolean queueEvent(byte[] bytes, int n) {
        if (QUEUE_SIZE - evCount < n) return false;
        for (int i = 0; i < n; i++) events[(evHead + evCount++) % QUEUE_SIZE] = bytes[i];
        listener.run();
        return true;
    }

    protected int eventSpace() {
        return QUEUE_SIZE - evCount;
    }

    /** Drops everything queued (device reset). */
    protected void clearQueues() {
        evHead = evCount = rpHead = rpCount = 0;
    }

    protected byte[] saveQueue() {
        byte[] a = new byte[rpCount + evCount + 2];
        a[0] = (byte) rpCount;
        a[1] = (byte) last;
        for (int i = 0; i < rpCount; i++) a[2 + i] = replies[(rpHead + i) % replies.length];
        for (int i = 0; i < evCount; i++) a[2 + rpCount + i] = events[(evHead + i) % QUEUE_SIZE];
        return a;
    }

    protected void restoreQueue(byte[] a) {
        clearQueues();
        int nr = a[0];
        last = a[1] & 0xff;
        for (int i = 0; i < nr; i++) replies[rpCount++] = a[2 + i];
        for (int i = 2 + nr; i < a.length; i++) events[evCount++] = a[i];
    }
}
