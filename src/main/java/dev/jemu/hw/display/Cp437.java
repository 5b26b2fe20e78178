package dev.jemu.hw.display;

/** Code page 437 (the PC's ROM font) to Unicode, for reading text-mode screens as strings. */
public final class Cp437 {
    private Cp437() {
    }

    private static final String LOW = " ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼";
    private static final String HIGH = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»"
            + "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀"
            + "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

    /** The character shown for byte {@code b} (0 shows as a space). */
    public static char toChar(int b) {
        b &= 0xff;
        if (b < 0x20) return LOW.charAt(b);
        if (b < 0x7f) return (char) b;
        if (b == 0x7f) return '⌂';
        return HIGH.charAt(b - 0x80);
    }
}
