package dev.jemu.hw.character;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.core.TimerQueue;
import dev.jemu.hw.core.VirtualClock;
import dev.jemu.util.Log;

/**
 * National Semiconductor PC16550D UART (the PC's COM ports, QEMU's isa-serial): 8 byte registers, 16-byte
 * receive and transmit FIFOs, the interrupt priority scheme of the IIR, divisor latch, loopback. Transmission
 * is immediate (as in QEMU): a byte written to THR reaches the backend at once and THR empties again, so the
 * THRE interrupt follows every write. The receive FIFO's character timeout runs on the virtual clock at four
 * character times of the programmed line speed.
 */
public final class Serial16550 implements IoDevice {
    // register offsets
    public static final int RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
            LSR = 5, MSR = 6, SCR = 7;

    // IER
    public static final int IER_RDI = 0x01, IER_THRI = 0x02, IER_RLSI = 0x04, IER_MSI = 0x08;
    // IIR
    public static final int IIR_NO_INT = 0x01, IIR_ID = 0x0e, IIR_MSI = 0x00, IIR_THRI = 0x02, IIR_RDI = 0x04,
            IIR_RLSI = 0x06, IIR_CTI = 0x0c, IIR_FE = 0xc0;
    // FCR
    public static final int FCR_FE = 0x01, FCR_RFR = 0x02, FCR_XFR = 0x04, FCR_DMS = 0x08, FCR_ITL = 0xc0;
    // LCR
    public static final int LCR_WLS = 0x03, LCR_STB = 0x04, LCR_PEN = 0x08, LCR_BREAK = 0x40, LCR_DLAB = 0x80;
    // MCR
    public static final int MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    // LSR
    public static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_PE = 0x04, LSR_FE = 0x08, LSR_BI = 0x10,
            LSR_THRE = 0x20, LSR_TEMT = 0x40, LSR_RXFE = 0x80, LSR_INT_ANY = 0x1e;
    // MSR
    public static final int MSR_DCTS = 0x01, MSR_DDSR = 0x02, MSR_TERI = 0x04, MSR_DDCD = 0x08, MSR_CTS = 0x10,
            MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80, MSR_ANY_DELTA = 0x0f;

    public static final int FIFO_SIZE = 16;
    /** The input clock divided by 16: 1.8432 MHz / 16. */
    public static final int BAUD_BASE = 115200;

    /** Everything the guest can observe, for snapshots. */
    public record State(int rbr, int thr, int ier, int iir, int fcr, int lcr, int mcr, int lsr, int msr, int scr,
                        int divider, boolean thrIpending, boolean timeoutIpending, byte[] recvFifo,
                        byte[] xmitFifo, long timeoutDeadline) {
    }

    private final IrqLine irq;
    private final VirtualClock clock;
    private final TimerQueue.Timer fifoTimeout;
    private final Log log;
    private CharBackend backend;
    private Runnable acceptInput = () -> {
    };

    private int rbr, thr, tsr, ier, iir, fcr, lcr, mcr, lsr, msr, scr, divider;
    private boolean thrIpending, timeoutIpending;
    private int recvItl = 1;
    private long charTimeNs;
    private final Fifo recv = new Fifo(), xmit = new Fifo();

    /** A 16-byte ring. */
    private static final class Fifo {
        final byte[] data = new byte[FIFO_SIZE];
        int head, count;

        boolean full() {
            return count == FIFO_SIZE;
        }

        void push(int b) {
            data[(head + count++) % FIFO_SIZE] = (byte) b;
        }

        int pop() {
            int b = data[head] & 0xff;
            head = (head + 1) % FIFO_SIZE;
            count--;
            return b;
        }

        void reset() {
            head = count = 0;
        }

        byte[] toArray() {
            byte[] a = new byte[count];
            for (int i = 0; i < count; i++) a[i] = data[(head + i) % FIFO_SIZE];
            return a;
        }

        void load(byte[] a) {
            reset();
            for (byte b : a) push(b);
        }
    }

    public Serial16550(VirtualClock clock, IrqLine irq, CharBackend backend, Log log) {
        this.clock = clock;
        this.irq = irq;
        this.backend = backend == null ? CharBackend.NULL : backend;
        this.log = log;
        this.fifoTimeout = clock.timers().newTimer(this::fifoTimeoutExpired);
        reset();
    }

    public void setBackend(CharBackend backend) {
        this.backend = backend == null ? CharBackend.NULL : backend;
    }

    /** Called when the guest has made room for more input (QEMU's qemu_chr_fe_accept_input). */
    public void setAcceptInput(Runnable r) {
        this.acceptInput = r;
    }

    /** Power-on / system reset state (QEMU's serial_reset). */
    public void reset() {
        rbr = thr = tsr = 0;
        ier = 0;
        iir = IIR_NO_INT;
        fcr = 0;
        lcr = 0;
        lsr = LSR_TEMT | LSR_THRE;
        msr = MSR_DCD | MSR_DSR | MSR_CTS;
        mcr = MCR_OUT2;
        scr = 0;
        divider = 12; // 9600 baud
        recvItl = 1;
        thrIpending = timeoutIpending = false;
        recv.reset();
        xmit.reset();
        fifoTimeout.cancel();
        updateParameters();
        irq.lower();
    }

    @Override
    public long read(long offset, int size) {
        switch ((int) offset & 7) {
            case RBR: {
                if ((lcr & LCR_DLAB) != 0) return divider & 0xff;
                int ret;
                if ((fcr & FCR_FE) != 0) {
                    ret = recv.count == 0 ? 0 : recv.pop();
                    if (recv.count == 0) {
                        lsr &= ~(LSR_DR | LSR_BI);
                        fifoTimeout.cancel();
                    } else {
                        fifoTimeout.mod(clock.now() + 4 * charTimeNs);
                    }
                    timeoutIpending = false;
                } else {
                    ret = rbr;
                    lsr &= ~(LSR_DR | LSR_BI);
                }
                updateIrq();
                if ((mcr & MCR_LOOP) == 0) acceptInput.run();
                return ret;
            }
            case IER:
                return (lcr & LCR_DLAB) != 0 ? (divider >> 8) & 0xff : ier;
            case IIR: {
                int ret = iir;
                // reading IIR while it reports THRE clears that interrupt (the datasheet's "reading IIR" source)
                if ((ret & IIR_ID) == IIR_THRI) {
                    thrIpending = false;
                    updateIrq();
                }
                return ret;
            }
            case LCR:
                return lcr;
            case MCR:
                return mcr;
            case LSR: {
                int ret = lsr;
                if ((lsr & (LSR_BI | LSR_OE)) != 0) {
                    lsr &= ~(LSR_BI | LSR_OE);
                    updateIrq();
                }
                return ret;
            }
            case MSR: {
                if ((mcr & MCR_LOOP) != 0) {
                    // loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD
                    return ((mcr & 0x0c) << 4) | ((mcr & MCR_RTS) << 3) | ((mcr & MCR_DTR) << 5);
                }
                int ret = msr;
                if ((msr & MSR_ANY_DELTA) != 0) {
                    msr &= 0xf0;
                    updateIrq();
                }
                return ret;
            }
            default:
                return scr;
        }
    }

    @Override
    public void write(long offset, int size, long value) {
        int val = (int) value & 0xff;
        switch ((int) offset & 7) {
            case THR:
                if ((lcr & LCR_DLAB) != 0) {
                    divider = (divider & 0xff00) | val;
                    updateParameters();
                    return;
                }
                thr = val;
                if ((fcr & FCR_FE) != 0) {
                    if (xmit.full()) xmit.pop(); // transmit overruns overwrite the oldest byte
                    xmit.push(val);
                }
                thrIpending = false;
                lsr &= ~(LSR_THRE | LSR_TEMT);
                updateIrq();
                transmit();
                return;
            case IER:
                if ((lcr & LCR_DLAB) != 0) {
                    divider = (divider & 0xff) | (val << 8);
                    updateParameters();
                    return;
                }
                int changed = (ier ^ val) & 0x0f;
                ier = val & 0x0f;
                // Enabling THRE while THR is empty raises it at once, even if reading IIR had cleared it: Windows
                // and Linux's THRE re-assertion probe rely on it (QEMU and Bochs behave so).
                if ((changed & IER_THRI) != 0) thrIpending = (ier & IER_THRI) != 0 && (lsr & LSR_THRE) != 0;
                if (changed != 0) updateIrq();
                return;
            case FCR: {
                // changing the enable bit flushes both FIFOs
                if (((val ^ fcr) & FCR_FE) != 0) val |= FCR_RFR | FCR_XFR;
                if ((val & FCR_RFR) != 0) {
                    lsr &= ~(LSR_DR | LSR_BI);
                    fifoTimeout.cancel();
                    timeoutIpending = false;
                    recv.reset();
                }
                if ((val & FCR_XFR) != 0) {
                    lsr |= LSR_THRE;
                    thrIpending = true;
                    xmit.reset();
                }
                fcr = val & 0xc9; // the reset bits self-clear; bits 4-5 are reserved on the 16550A
                if ((fcr & FCR_FE) != 0) {
                    iir |= IIR_FE;
                    recvItl = switch (fcr >> 6) {
                        case 0 -> 1;
                        case 1 -> 4;
                        case 2 -> 8;
                        default -> 14;
                    };
                } else {
                    iir &= ~IIR_FE;
                }
                updateIrq();
                return;
            }
            case LCR: {
                boolean breakWas = (lcr & LCR_BREAK) != 0;
                lcr = val;
                updateParameters();
                boolean breakNow = (lcr & LCR_BREAK) != 0;
                if (breakNow != breakWas) backend.setBreak(breakNow);
                return;
            }
            case MCR:
                mcr = val & 0x1f;
                return;
            case LSR:
            case MSR:
                // read-only on the 16550A; factory test writes are ignored
                if (log != null && log.on(Log.Item.GUEST_ERRORS))
                    log.printf("serial: write 0x%02x to read-only register %d%n", val, offset & 7);
                return;
            default:
                scr = val;
        }
    }

    /** How many bytes the receiver takes now (QEMU's serial_can_receive): the UART paces its input. */
    public int canReceive() {
        if ((fcr & FCR_FE) != 0) {
            if (recv.count >= FIFO_SIZE) return 0;
            // offer up to the trigger level, then one at a time, so that the guest sees its trigger level work
            return recv.count <= recvItl ? recvItl - recv.count : 1;
        }
        return (lsr & LSR_DR) != 0 ? 0 : 1;
    }

    /** A byte from the host side. In loopback mode the line from outside is disconnected. */
    public void receive(int b) {
        if ((mcr & MCR_LOOP) != 0) return;
        receiveByte(b);
    }

    /** A break condition from the host side. */
    public void receiveBreak() {
        if ((mcr & MCR_LOOP) != 0) return;
        rbr = 0;
        if ((fcr & FCR_FE) != 0) {
            if (!recv.full()) recv.push(0);
            else lsr |= LSR_OE;
        }
        lsr |= LSR_BI | LSR_DR;
        updateIrq();
    }

    /** Sets the modem status inputs (CTS, DSR, RI, DCD as MSR bits 4-7) and their delta bits. */
    public void setModemInputs(int lines) {
        lines &= 0xf0;
        int old = msr & 0xf0;
        if (lines == old) return;
        int delta = 0;
        if (((lines ^ old) & MSR_CTS) != 0) delta |= MSR_DCTS;
        if (((lines ^ old) & MSR_DSR) != 0) delta |= MSR_DDSR;
        if ((old & MSR_RI) != 0 && (lines & MSR_RI) == 0) delta |= MSR_TERI; // trailing edge of ring
        if (((lines ^ old) & MSR_DCD) != 0) delta |= MSR_DDCD;
        msr = lines | (msr & MSR_ANY_DELTA) | delta;
        updateIrq();
    }

    private void receiveByte(int b) {
        if ((fcr & FCR_FE) != 0) {
            if (!recv.full()) recv.push(b);
            else lsr |= LSR_OE; // overruns do not overwrite the FIFO
            lsr |= LSR_DR;
            fifoTimeout.mod(clock.now() + 4 * charTimeNs);
        } else {
            if ((lsr & LSR_DR) != 0) lsr |= LSR_OE;
            rbr = b;
            lsr |= LSR_DR;
        }
        updateIrq();
    }

    private void transmit() {
        do {
            if ((fcr & FCR_FE) != 0) {
                tsr = xmit.pop();
                if (xmit.count == 0) lsr |= LSR_THRE;
            } else {
                tsr = thr;
                lsr |= LSR_THRE;
            }
            if ((lsr & LSR_THRE) != 0 && !thrIpending) {
                thrIpending = true;
                updateIrq();
            }
            if ((mcr & MCR_LOOP) != 0) receiveByte(tsr);
            else backend.write(tsr);
        } while ((lsr & LSR_THRE) == 0);
        lsr |= LSR_TEMT;
    }

    private void fifoTimeoutExpired() {
        if (recv.count > 0) {
            timeoutIpending = true;
            updateIrq();
        }
    }

    /** The IIR priority chain: line status, receive data / timeout, THR empty, modem status. */
    private void updateIrq() {
        int id = IIR_NO_INT;
        if ((ier & IER_RLSI) != 0 && (lsr & LSR_INT_ANY) != 0) {
            id = IIR_RLSI;
        } else if ((ier & IER_RDI) != 0 && timeoutIpending) {
            id = IIR_CTI;
        } else if ((ier & IER_RDI) != 0 && (lsr & LSR_DR) != 0
                && ((fcr & FCR_FE) == 0 || recv.count >= recvItl)) {
            id = IIR_RDI;
        } else if ((ier & IER_THRI) != 0 && thrIpending) {
            id = IIR_THRI;
        } else if ((ier & IER_MSI) != 0 && (msr & MSR_ANY_DELTA) != 0) {
            id = IIR_MSI;
        }
        iir = id | (iir & 0xf0);
        irq.set(id != IIR_NO_INT);
    }

    /** Character time from divisor and frame format, for the FIFO timeout. */
    private void updateParameters() {
        int div = divider == 0 ? 0x10000 : divider; // a zero divisor is the slowest rate on real parts
        int bits = 1 + (5 + (lcr & LCR_WLS)) + ((lcr & LCR_PEN) != 0 ? 1 : 0) + ((lcr & LCR_STB) != 0 ? 2 : 1);
        charTimeNs = VirtualClock.muldiv64(VirtualClock.NS_PER_SEC, (long) div * bits, BAUD_BASE);
    }

    /** Nanoseconds one character takes at the programmed speed and format. */
    public long charTimeNs() {
        return charTimeNs;
    }

    public State save() {
        return new State(rbr, thr, ier, iir, fcr, lcr, mcr, lsr, msr, scr, divider, thrIpending, timeoutIpending,
                recv.toArray(), xmit.toArray(), fifoTimeout.pending() ? fifoTimeout.deadline() : -1);
    }

    public void restore(State s) {
        rbr = s.rbr();
        thr = s.thr();
        ier = s.ier();
        iir = s.iir();
        fcr = s.fcr();
        lcr = s.lcr();
        mcr = s.mcr();
        lsr = s.lsr();
        msr = s.msr();
        scr = s.scr();
        divider = s.divider();
        thrIpending = s.thrIpending();
        timeoutIpending = s.timeoutIpending();
        recv.load(s.recvFifo());
        xmit.load(s.xmitFifo());
        recvItl = switch (fcr >> 6) {
            case 0 -> 1;
            case 1 -> 4;
            case 2 -> 8;
            default -> 14;
        };
        updateParameters();
        if (s.timeoutDeadline() >= 0) fifoTimeout.mod(s.timeoutDeadline());
        else fifoTimeout.cancel();
        updateIrq();
    }
}
