package dev.jemu.ui;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** QEMU's Ctrl-A commands on the multiplexed -nographic console. */
class StdioConsoleTest {
    final List<Integer> guest = new ArrayList<>();
    int quits, breaks;
    final StdioConsole.Target target = new StdioConsole.Target() {
        public void input(int b) {
            guest.add(b);
        }

        public void sendBreak() {
            breaks++;
        }

        public void quit() {
            quits++;
        }
    };

    void type(StdioConsole c, int... bytes) {
        for (int b : bytes) c.typed(b, target);
    }

    @Test
    void ctrlACommands() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdioConsole c = new StdioConsole("jemu-system-x86_64", true, new PrintStream(out));
        type(c, 'l', 's', '\r');
        assertEquals(List.of((int) 'l', (int) 's', (int) '\r'), guest);
        type(c, 1, 1); // Ctrl-A Ctrl-A sends one Ctrl-A
        assertEquals(1, guest.get(3));
        assertEquals(4, guest.size());
        type(c, 1, 'h');
        assertTrue(out.toString().contains("C-a x    exit emulator"), out.toString());
        type(c, 1, 'c');
        assertTrue(out.toString().contains("the monitor is not available yet"));
        type(c, 1, 'b');
        assertEquals(1, breaks);
        type(c, 1, 'x');
        assertEquals(1, quits);
        assertTrue(out.toString().contains("jemu-system-x86_64: Terminated")); // QEMU: "QEMU: Terminated"
        assertEquals(4, guest.size(), "commands never reach the guest");
    }

    @Test
    void plainSerialStdioPassesCtrlA() {
        StdioConsole c = new StdioConsole("jemu-system-x86_64", false, new PrintStream(new ByteArrayOutputStream()));
        type(c, 1, 'x');
        assertEquals(List.of(1, (int) 'x'), guest);
        assertEquals(0, quits);
    }
}
