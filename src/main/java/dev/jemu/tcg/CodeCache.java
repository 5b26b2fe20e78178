package dev.jemu.tcg;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The translations of one vCPU, keyed by guest PC, segment/context base and mode bits, indexed by the guest
 * pages they came from. Bounded: beyond {@code capacity} the oldest translation is dropped; a dropped
 * translation is marked invalid and forgotten, so its hidden class can be unloaded once no frame runs it.
 */
public final class CodeCache<T extends TranslatedBlock<?>> {
    private record Key(long pc, long base, int mode) {}

    private final int capacity;
    private final LinkedHashMap<Key, T> byKey = new LinkedHashMap<>();
    private final HashMap<Long, List<T>> byPage = new HashMap<>();
    private final java.util.function.Consumer<T> onDrop;
    private long dropped;

    /** {@code onDrop} is told about every translation that is dropped (to clear references the target keeps). */
    public CodeCache(int capacity, java.util.function.Consumer<T> onDrop) {
        this.capacity = capacity;
        this.onDrop = onDrop;
    }

    public T get(long pc, long base, int mode) {
        return byKey.get(new Key(pc, base, mode));
    }

    public void put(T t) {
        T old = byKey.put(new Key(t.pc, t.base, t.mode), t);
        if (old != null) {
            removeFromPages(old);
            drop(old);
        }
        for (long p : t.pages) byPage.computeIfAbsent(p, k -> new ArrayList<>(2)).add(t);
        while (byKey.size() > capacity) {
            Iterator<Map.Entry<Key, T>> it = byKey.entrySet().iterator();
            T eldest = it.next().getValue();
            it.remove();
            removeFromPages(eldest);
            drop(eldest);
        }
    }

    /** Drops every translation made from the page starting at {@code page}. */
    public void invalidatePage(long page) {
        List<T> list = byPage.remove(page);
        if (list == null) return;
        for (T t : list) {
            if (byKey.get(new Key(t.pc, t.base, t.mode)) == t) byKey.remove(new Key(t.pc, t.base, t.mode));
            for (long p : t.pages) {
                if (p == page) continue;
                List<T> other = byPage.get(p);
                if (other != null) {
                    other.remove(t);
                    if (other.isEmpty()) byPage.remove(p);
                }
            }
            drop(t);
        }
    }

    public void clear() {
        for (T t : byKey.values()) drop(t);
        byKey.clear();
        byPage.clear();
    }

    public int size() {
        return byKey.size();
    }

    /** Translations dropped so far (evicted or invalidated). */
    public long dropped() {
        return dropped;
    }

    private void removeFromPages(T t) {
        for (long p : t.pages) {
            List<T> list = byPage.get(p);
            if (list != null) {
                list.remove(t);
                if (list.isEmpty()) byPage.remove(p);
            }
        }
    }

    private void drop(T t) {
        t.valid = false;
        t.unlink();
        dropped++;
        onDrop.accept(t);
    }
}
