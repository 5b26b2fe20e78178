package dev.jemu.target.x86.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Documented x87 behaviours as plain examples (the values were taken from the host x87; the host tests cover
 * the same ground exhaustively).
 */
class Float80Test {
    private static FpuEnv env(int rc, int pc) {
        FpuEnv e = new FpuEnv();
        e.rc = rc;
        e.pc = pc;
        return e;
    }

    private static String hex(FpuEnv e) {
        return F80.toHex(e.se, e.sig);
    }

    @Test
    void oneThirdRoundsUpWithC1() {
        FpuEnv e = env(FpuEnv.RC_NEAREST, FpuEnv.PC_64);
        Float80.div(e, 0x3FFF, F80.J, 0x4000, 0xC000000000000000L);
        assertEquals("3ffd:aaaaaaaaaaaaaaab", hex(e));
        assertEquals(FpuEnv.PE, e.flags);
        assertEquals(FpuEnv.C1, e.cc);
        e = env(FpuEnv.RC_ZERO, FpuEnv.PC_24);
        Float80.div(e, 0x3FFF, F80.J, 0x4000, 0xC000000000000000L);
        assertEquals("3ffd:aaaaaa0000000000", hex(e)); // 24 bits, 15-bit exponent kept
        assertEquals(0, e.cc);
    }

    @Test
    void invalidGivesTheRealIndefinite() {
        FpuEnv e = env(FpuEnv.RC_NEAREST, FpuEnv.PC_64);
        Float80.div(e, 0, 0, 0x8000, 0);
        assertEquals("ffff:c000000000000000", hex(e));
        assertEquals(FpuEnv.IE, e.flags);
        assertTrue(e.storeResult());
        e.masks &= ~FpuEnv.IE;
        assertFalse(e.storeResult()); // unmasked: the destination is left alone
    }

    @Test
    void nanPropagationPrefersQuietThenLargerSignificand() {
        FpuEnv e = env(FpuEnv.RC_NEAREST, FpuEnv.PC_64);
        Float80.add(e, 0x7FFF, 0x8000000000000001L, 0x7FFF, 0xC000000000000001L); // SNaN + QNaN
        assertEquals("7fff:c000000000000001", hex(e));
        assertEquals(FpuEnv.IE, e.flags);
        e = env(FpuEnv.RC_NEAREST, FpuEnv.PC_64);
        Float80.add(e, 0xFFFF, 0xC000000000000002L, 0x7FFF, 0xC000000000000002L); // tie: the positive one
        assertEquals("7fff:c000000000000002", hex(e));
    }

    @Test
    void overflowResponseDependsOnRounding() {
        FpuEnv e = env(FpuEnv.RC_ZERO, FpuEnv.PC_64);
        Float80.mul(e, 0x7FFE, -1L, 0x4000, F80.J);
        assertEquals("7ffe:ffffffffffffffff", hex(e));
        assertEquals(FpuEnv.OE | FpuEnv.PE, e.flags);
        e = env(FpuEnv.RC_NEAREST, FpuEnv.PC_64);
        e.masks &= ~FpuEnv.OE; // unmasked: exponent wrapped by 24576
        Float80.mul(e, 0x7FFE, -1L, 0x4000, F80.J);
        assertEquals(String.format("%04x:ffffffffffffffff", 0x7FFF - 24576), hex(e));
    }

    @Test
    void gradualUnderflowDetectsTininessAfterRounding() {
        FpuEnv e = env(FpuEnv.RC_NEAREST, FpuEnv.PC_24);
        Float80.add(e, 0, 0x7FFFFFFFFFFFFFFFL, 0, 0); // a denormal rounded to 24 bits becomes the smallest normal
        assertEquals("0001:8000000000000000", hex(e));
        assertEquals(FpuEnv.DE | FpuEnv.PE, e.flags); // no UE
    }

    @Test
    void constantsFollowRoundingControl() {
        FpuEnv e = env(FpuEnv.RC_NEAREST, FpuEnv.PC_64);
        Float80.loadConstant(e, Float80.CONST_PI);
        assertEquals("4000:c90fdaa22168c235", hex(e));
        e.rc = FpuEnv.RC_DOWN;
        Float80.loadConstant(e, Float80.CONST_PI);
        assertEquals("4000:c90fdaa22168c234", hex(e));
        e.rc = FpuEnv.RC_UP;
        Float80.loadConstant(e, Float80.CONST_L2T);
        assertEquals("4000:d49a784bcd1b8aff", hex(e));
    }

    @Test
    void sineReducesWithPiRoundedTo66Bits() {
        FpuEnv e = env(FpuEnv.RC_NEAREST, FpuEnv.PC_64);
        Float80.fsin(e, 0x4000, 0xC90FDAA22168C235L); // sin(pi as an 80-bit value)
        assertEquals("bfbf:8000000000000000", hex(e)); // pi66 - x = -2^-64 exactly
        e = env(FpuEnv.RC_NEAREST, FpuEnv.PC_64);
        Float80.fptan(e, 0x403E, F80.J); // 2^63: out of range
        assertEquals(FpuEnv.C2, e.cc);
        assertEquals("403e:8000000000000000", hex(e));
    }

    @Test
    void partialRemainderSetsC2() {
        FpuEnv e = env(FpuEnv.RC_NEAREST, FpuEnv.PC_64);
        Float80.prem(e, 0x4050, 0xC90FDAA22168C235L, 0x3FFF, F80.J, false);
        assertEquals("401a:8d40000000000000", hex(e));
        assertEquals(FpuEnv.C2, e.cc);
        Float80.prem(e, 0x4001, 0xE000000000000000L, 0x3FFF, F80.J, false); // 7 rem 1: quotient 7
        assertEquals("0000:0000000000000000", hex(e));
        assertEquals(FpuEnv.C0 | FpuEnv.C3 | FpuEnv.C1, e.cc);
    }

    @Test
    void integerAndBcdStores() {
        FpuEnv e = env(FpuEnv.RC_NEAREST, FpuEnv.PC_64);
        assertEquals(2, Float80.toInt(e, 0x4000, 0xA000000000000000L, 16, false)); // 2.5 → 2 (even)
        assertEquals(2, Float80.toInt(e, 0x4000, 0xC000000000000000L - 1, 16, true)); // FISTTP truncates
        e.clearFlags();
        assertEquals(-32768, Float80.toInt(e, 0x400E, 0x8000000000000000L, 16, false)); // 32768: indefinite
        assertEquals(FpuEnv.IE, e.flags);
        Float80.fromInt(e, -123456789012345678L);
        Float80.toBcd(e, e.se, e.sig);
        assertEquals(0x8012, e.se);
        assertEquals(0x3456789012345678L, e.sig);
        Float80.fromBcd(e, e.se, e.sig);
        assertEquals(-123456789012345678L, Float80.toInt(e, e.se, e.sig, 64, false));
    }
}
