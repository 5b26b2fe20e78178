package dev.jemu.hw;

import dev.jemu.hw.core.IrqLine;

import java.util.ArrayList;
import java.util.List;

/** An IRQ line with a memory: its level and the rising edges seen, for asserting interrupt behaviour. */
public final class IrqRecorder {
    public final IrqLine line;
    public int rises;
    public final List<Long> riseTimes = new ArrayList<>();
    private boolean last;

    public IrqRecorder(String name) {
        this(name, null);
    }

    public IrqRecorder(String name, TestClock clock) {
        line = new IrqLine(name, level -> {
            if (level && !last) {
                rises++;
                if (clock != null) riseTimes.add(clock.now());
            }
            last = level;
        });
    }

    public boolean level() {
        return line.level();
    }
}
