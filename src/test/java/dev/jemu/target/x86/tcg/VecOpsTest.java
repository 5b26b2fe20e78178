package dev.jemu.target.x86.tcg;

import dev.jemu.target.x86.sse.Lanes;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every specialised chunk operation of VecOps computes what Lanes.op computes, on random and edge values. */
class VecOpsTest {
    @Test
    void specialisedOpsMatchLanes() throws ReflectiveOperationException {
        Random rnd = new Random(7);
        long[] edge = {0, -1, 0x8080808080808080L, 0x7f7f7f7f7f7f7f7fL, 0x0101010101010101L, 0xff00ff00ff00ff00L,
                0x8000000080000000L, 0x00ff00ff00ff00ffL, 1, Long.MIN_VALUE};
        int checked = 0;
        for (int op = 0; op < 80; op++) {
            String name = VecOps.name(op);
            if (name == null) continue;
            Method m = VecOps.class.getDeclaredMethod(name, long.class, long.class);
            for (int k = 0; k < 20000; k++) {
                long a = k < 100 ? edge[k % 10] : rnd.nextLong(), b = k < 100 ? edge[k / 10] : rnd.nextLong();
                if (k % 3 == 0) b = a ^ (rnd.nextLong() & rnd.nextLong() & rnd.nextLong()); // equal elements often
                assertEquals(Lanes.op(op, a, b), (long) m.invoke(null, a, b),
                        name + String.format("(%x, %x)", a, b));
            }
            checked++;
        }
        assertEquals(17, checked);
    }
}
