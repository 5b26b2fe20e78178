package dev.jemu.hw.pci;

import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.MmioBus;
import dev.jemu.util.Log;

/**
 * PCI bus 0: up to 32 devices of 8 functions, the I/O and memory spaces their BARs decode into, and the INTx
 * routing. The board gives the routing: each function's INTx pin maps to one of four PIRQ lines
 * ({@link IntxRouter}); a PIRQ is the wired-OR of every pin routed to it, as on a real board.
 */
public final class PciBus {
    /** Swizzles a device's INTx pin to a PIRQ line (0-3) and drives the interrupt router. */
    public interface IntxRouter {
        /** PIRQ (0-3) that pin {@code pin} (0 = INTA#) of the device in {@code slot} is wired to. */
        int pirq(int slot, int pin);

        /** The wired-OR level of PIRQ {@code pirq} changed. */
        void setPirq(int pirq, boolean level);
    }

    private final PciDevice[] devices = new PciDevice[256];
    private final IoBus io;
    private final MmioBus mmio;
    private final Log log;
    private final int[] pirqCount = new int[4];
    private IntxRouter router;

    public PciBus(IoBus io, MmioBus mmio, Log log) {
        this.io = io;
        this.mmio = mmio;
        this.log = log;
    }

    public IoBus io() {
        return io;
    }

    public MmioBus mmio() {
        return mmio;
    }

    public void setRouter(IntxRouter router) {
        this.router = router;
    }

    /** Plugs {@code dev} in at device {@code slot}, function {@code fn}. */
    public void plug(PciDevice dev, int slot, int fn) {
        int devfn = slot << 3 | fn;
        if (slot < 0 || slot > 31 || fn < 0 || fn > 7) throw new IllegalArgumentException("bad PCI address");
        if (devices[devfn] != null)
            throw new IllegalArgumentException(String.format("PCI: slot %d function %d not available for %s, in use by %s",
                    slot, fn, dev.name(), devices[devfn].name()));
        devices[devfn] = dev;
        dev.bus = this;
        dev.devfn = devfn;
        dev.updateMappings();
    }

    /** The function at {@code devfn}, or null. */
    public PciDevice device(int devfn) {
        return devices[devfn & 0xff];
    }

    /** A configuration read; an absent function reads as all ones (master abort). */
    public int configRead(int devfn, int off, int size) {
        PciDevice d = devices[devfn & 0xff];
        // function 0 absent: the whole device is absent (a guest probes fn 0 first)
        if (d == null) return size == 4 ? -1 : (1 << (8 * size)) - 1;
        return d.configRead(off, size);
    }

    public void configWrite(int devfn, int off, int size, int value) {
        PciDevice d = devices[devfn & 0xff];
        if (d != null) d.configWrite(off, size, value);
    }

    void intxChanged(PciDevice dev, int pin, boolean level) {
        if (router == null) return;
        int pirq = router.pirq(dev.devfn >>> 3, pin) & 3;
        int before = pirqCount[pirq];
        pirqCount[pirq] += level ? 1 : -1;
        if ((before > 0) != (pirqCount[pirq] > 0)) router.setPirq(pirq, pirqCount[pirq] > 0);
    }

    /** The current level of PIRQ {@code pirq}. */
    public boolean pirqLevel(int pirq) {
        return pirqCount[pirq] > 0;
    }

    /** Resets every function. */
    public void reset() {
        for (PciDevice d : devices) if (d != null) d.reset();
    }

    void log(String fmt, Object... args) {
        if (log != null && (log.on(Log.Item.UNIMP) || log.on(Log.Item.GUEST_ERRORS))) log.printf(fmt + "%n", args);
    }
}
