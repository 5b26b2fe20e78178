package dev.jemu.machine.pc;

/**
 * The 80x25 character screen a VT100 program paints over a serial line, for guests (memtest86+) that redraw
 * fields in place rather than print lines: printable bytes, CR, LF, BS, ESC c (reset), CSI r;c H (cursor),
 * CSI 2 J (clear) and CSI K (clear to end of line); attributes (CSI ... m) and modes (CSI ? ... h/l) are ignored.
 */
final class Vt100Screen {
    static final int ROWS = 25, COLS = 80;
    private final char[][] cells = new char[ROWS][COLS];
    private int row, col;
    private int state; // 0 text, 1 after ESC, 2 in CSI
    private final StringBuilder csi = new StringBuilder();

    Vt100Screen() {
        clear();
    }

    private void clear() {
        for (char[] r : cells) java.util.Arrays.fill(r, ' ');
    }

    void feed(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) feed(b[i] & 0xff);
    }

    void feed(int c) {
        switch (state) {
            case 1 -> {
                if (c == '[') {
                    state = 2;
                    csi.setLength(0);
                } else {
                    if (c == 'c') {
                        clear();
                        row = col = 0;
                    }
                    state = 0;
                }
            }
            case 2 -> {
                if (c >= 0x40 && c <= 0x7e) {
                    command((char) c);
                    state = 0;
                } else {
                    csi.append((char) c);
                }
            }
            default -> {
                if (c == 0x1b) state = 1;
                else if (c == '\r') col = 0;
                else if (c == '\n') row = Math.min(ROWS - 1, row + 1);
                else if (c == 8) col = Math.max(0, col - 1);
                else if (c >= 0x20) {
                    if (col < COLS) cells[row][col] = c < 0x7f ? (char) c : '?';
                    col = Math.min(COLS, col + 1);
                }
            }
        }
    }

    private void command(char cmd) {
        String p = csi.toString();
        if (p.startsWith("?")) return;
        String[] a = p.split(";");
        switch (cmd) {
            case 'H', 'f' -> {
                row = clamp(arg(a, 0) - 1, ROWS - 1);
                col = clamp(arg(a, 1) - 1, COLS - 1);
            }
            case 'J' -> {
                if (p.equals("2")) clear();
            }
            case 'K' -> java.util.Arrays.fill(cells[row], Math.min(col, COLS), COLS, ' ');
            default -> { }
        }
    }

    private static int arg(String[] a, int i) {
        if (i >= a.length || a[i].isEmpty()) return 1;
        try {
            return Integer.parseInt(a[i]);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    /** Row {@code r} (0-based) as text. */
    String row(int r) {
        return new String(cells[r]);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < ROWS; r++) b.append(row(r).stripTrailing()).append('\n');
        return b.toString();
    }
}
