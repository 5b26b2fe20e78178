package dev.jemu.accel.tcg;

import dev.jemu.memory.PhysMemory;
import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.Interpreter;

import java.util.HashMap;
import java.util.Map;

/**
 * Linear = physical: the soft TLB backend for a CPU with paging off, used until sysmmu's Paging is wired in.
 * Remembers which linear pages code was decoded from, per host page, so that a write to that host page (by
 * the CPU or by DMA, through any alias) forgets exactly that code.
 */
final class PhysBackend implements SoftMmu.Backend, PhysMemory.Listener {
    private final PhysMemory phys;
    private SoftMmu mmu;
    private Interpreter interp;
    /** host page -> linear page of decoded code (markCode is rare: allocation there is fine). */
    private final Map<Long, Long> code = new HashMap<>();

    PhysBackend(PhysMemory phys) {
        this.phys = phys;
    }

    void attach(SoftMmu mmu, Interpreter interp) {
        this.mmu = mmu;
        this.interp = interp;
        phys.addListener(this);
    }

    @Override
    public long translate(long va, int access) {
        return phys.translate(va & 0xffffffffL, access);
    }

    @Override
    public long ioRead(long pa, int size) {
        return phys.read(pa, size);
    }

    @Override
    public void ioWrite(long pa, int size, long value) {
        phys.write(pa, size, value);
    }

    @Override
    public void markCode(long va) {
        long pa = va & 0xffffffffL & ~(PhysMemory.PAGE - 1);
        long host = phys.hostOffset(pa);
        if (host < 0) return;
        synchronized (code) {
            code.put(host & ~(PhysMemory.PAGE - 1), pa);
        }
        phys.markCode(pa);
    }

    @Override
    public void flushTlb() {
        if (mmu != null) mmu.flushAll();
    }

    @Override
    public void invalidateCode(long page) {
        Long lin;
        synchronized (code) {
            lin = code.remove(page);
        }
        if (lin != null && interp != null) interp.invalidatePage(lin);
        if (mmu != null) mmu.flushAll();
    }
}
