package dev.jemu.accel.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.jemu.accel.kvm.KvmLayouts.CPUID_ENTRY2;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** A list of kvm_cpuid_entry2 (leaf, subleaf, flags, eax..edx): what KVM supports, then what a vCPU is given. */
public final class CpuidTable {
    /** One CPUID leaf (and subleaf when {@code flags} has KVM_CPUID_FLAG_SIGNIFCANT_INDEX). */
    public static final class Entry {
        public int function, index, flags, eax, ebx, ecx, edx;

        Entry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
            this.function = function;
            this.index = index;
            this.flags = flags;
            this.eax = eax;
            this.ebx = ebx;
            this.ecx = ecx;
            this.edx = edx;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    static CpuidTable fromKvm(MemorySegment buf) {
        CpuidTable t = new CpuidTable();
        int n = buf.get(JAVA_INT, 0);
        long sz = CPUID_ENTRY2.byteSize();
        for (int i = 0; i < n; i++) {
            long o = 8 + i * sz;
            t.entries.add(new Entry(buf.get(JAVA_INT, o), buf.get(JAVA_INT, o + 4), buf.get(JAVA_INT, o + 8),
                    buf.get(JAVA_INT, o + 12), buf.get(JAVA_INT, o + 16), buf.get(JAVA_INT, o + 20), buf.get(JAVA_INT, o + 24)));
        }
        return t;
    }

    /** A deep copy (each vCPU gets its own filtered table). */
    public CpuidTable copy() {
        CpuidTable t = new CpuidTable();
        for (Entry e : entries) t.entries.add(new Entry(e.function, e.index, e.flags, e.eax, e.ebx, e.ecx, e.edx));
        return t;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The entry for a leaf/subleaf, or null. */
    public Entry find(int function, int index) {
        for (Entry e : entries) if (e.function == function && (e.index == index || (e.flags & 1) == 0)) return e;
        return null;
    }

    /** As KVM_SET_CPUID2 wants it. */
    MemorySegment toKvm(Arena arena) {
        long sz = CPUID_ENTRY2.byteSize();
        MemorySegment buf = arena.allocate(8 + entries.size() * sz, 8);
        buf.set(JAVA_INT, 0, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            long o = 8 + i * sz;
            buf.set(JAVA_INT, o, e.function);
            buf.set(JAVA_INT, o + 4, e.index);
            buf.set(JAVA_INT, o + 8, e.flags);
            buf.set(JAVA_INT, o + 12, e.eax);
            buf.set(JAVA_INT, o + 16, e.ebx);
            buf.set(JAVA_INT, o + 20, e.ecx);
            buf.set(JAVA_INT, o + 24, e.edx);
        }
        return buf;
    }
}
