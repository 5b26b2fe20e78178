package dev.jemu.target.x86.tcg;

import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.DecodedBlock;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.Interpreter;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one translation covers: the entry block and the blocks reachable from it through branches whose
 * target is known at translation time and lies on the same page (so a loop becomes a JVM loop). Blocks are
 * numbered in discovery order; {@link #insns} concatenates their instructions.
 */
final class Region {
    final DecodedBlock[] blocks;
    /** Index in {@link #insns} of each block's first instruction. */
    final int[] first;
    final Insn[] insns;
    final long[] pages;
    private final Map<Long, Integer> byRip = new HashMap<>();
    /** User mode: regions may span pages (-Djemu.jit.samePage=true keeps them on one, to compare). */
    private static final boolean CROSS_PAGE = !Boolean.getBoolean("jemu.jit.samePage");

    private Region(List<DecodedBlock> list) {
        blocks = list.toArray(new DecodedBlock[0]);
        first = new int[blocks.length];
        int n = 0;
        for (int b = 0; b < blocks.length; b++) {
            first[b] = n;
            n += blocks[b].insns.length;
            byRip.put(blocks[b].rip, b);
        }
        insns = new Insn[n];
        List<Long> pg = new ArrayList<>();
        for (int b = 0; b < blocks.length; b++) {
            System.arraycopy(blocks[b].insns, 0, insns, first[b], blocks[b].insns.length);
            // host pages are what code invalidation is keyed by (the linear pages in user mode); the linear
            // pages too, for callers that invalidate by linear page (identity-mapped system code)
            for (long p : new long[] {blocks[b].page, blocks[b].lastPage, blocks[b].hostPage, blocks[b].hostLastPage}) {
                if (!pg.contains(p)) pg.add(p);
            }
        }
        pages = pg.stream().mapToLong(Long::longValue).toArray();
    }

    /** The block index of the region block starting at {@code rip}, or -1. */
    int indexOf(long rip) {
        Integer k = byRip.get(rip);
        return k == null ? -1 : k;
    }

    /** A region with only the first {@code n} blocks of this one. */
    Region prefix(int n) {
        return new Region(List.of(blocks).subList(0, n));
    }

    /**
     * Collects the region entered at {@code entry}: at most {@code maxBlocks} blocks and {@code maxInsns}
     * instructions, taking only blocks the interpreter has run at least {@code minHits} times (cold paths
     * stay exits: they cost translation and JVM compilation time for nothing) and not yet translated
     * (those are entered through a link).
     */
    static Region collect(Interpreter interp, X86Cpu cpu, DecodedBlock entry, int maxBlocks, int maxInsns, int minHits) {
        List<DecodedBlock> list = new ArrayList<>();
        Map<Long, DecodedBlock> seen = new HashMap<>();
        ArrayDeque<DecodedBlock> queue = new ArrayDeque<>();
        list.add(entry);
        seen.put(entry.rip, entry);
        queue.add(entry);
        int insns = entry.insns.length;
        while (!queue.isEmpty() && list.size() < maxBlocks) {
            DecodedBlock b = queue.poll();
            for (long t : Forms.regionSuccessors(b.last())) {
                if (seen.containsKey(t)) continue;
                // system mode keeps a region on its entry's page (links are checked against the entry's
                // mapping only); user mode follows branches to other pages (all of them are in pages)
                if (interp.physicalCodeKeys() || !CROSS_PAGE) {
                    if ((linear(cpu, t) & ~SoftMmu.PAGE_MASK) != entry.page) continue;
                }
                DecodedBlock s;
                try {
                    s = interp.block(t);
                } catch (X86Exception e) {
                    continue; // cannot be decoded now: leave it to the interpreter
                }
                if (s.csBase != entry.csBase || s.codeBits != entry.codeBits) continue;
                // system mode checks only the entry's pages when entering: a block ending on another page stays out
                if (interp.physicalCodeKeys() && s.lastPage != s.page && s.lastPage != entry.lastPage) continue;
                if (s.hits < minHits) continue;
                // already translated: chain to it rather than translate its code again
                if (s.code != null && s.code.valid) continue;
                if (insns + s.insns.length > maxInsns || list.size() >= maxBlocks) continue;
                seen.put(t, s);
                list.add(s);
                queue.add(s);
                insns += s.insns.length;
            }
        }
        return new Region(list);
    }

    private static long linear(X86Cpu cpu, long rip) {
        return cpu.linear(X86Cpu.CS, rip, cpu.codeBits / 8);
    }
}
