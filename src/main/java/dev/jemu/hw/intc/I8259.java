package dev.jemu.hw.intc;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.util.Log;

/**
 * The PC's cascaded pair of Intel 8259A programmable interrupt controllers: master at 0x20-0x21 with the slave
 * on its IR2, slave at 0xa0-0xa1, and the PIIX edge/level control registers (ELCR) at 0x4d0-0x4d1.
 * Inputs 0-15 are {@link #input(int)}; the master's INT pin is the {@link IrqLine} handed in as {@code intr},
 * which the CPU samples, answering with {@link #intAck()} (the two INTA cycles) to get the vector.
 * Implements ICW1-4, OCW1-3 (specific/non-specific EOI, rotation, priority set, special mask, poll, IRR/ISR
 * read), auto-EOI with rotation, special fully nested mode, edge and level triggering.
 */
public final class I8259 {
    // ICW1 / OCW2 / OCW3 bits (written to the command port, offset 0)
    public static final int ICW1_IC4 = 0x01, ICW1_SNGL = 0x02, ICW1_LTIM = 0x08, ICW1 = 0x10;
    public static final int OCW3 = 0x08, OCW3_RIS = 0x01, OCW3_RR = 0x02, OCW3_POLL = 0x04, OCW3_SMM = 0x20,
            OCW3_ESMM = 0x40;
    public static final int OCW2_EOI = 0x20, OCW2_SL = 0x40, OCW2_R = 0x80;
    // ICW4 bits
    public static final int ICW4_AEOI = 0x02, ICW4_SFNM = 0x10;

    /** One chip's state, for snapshots. */
    public record ChipState(int lastIrr, int irr, int imr, int isr, int priorityAdd, int irqBase,
                            boolean readIsr, boolean poll, boolean specialMask, int initState, boolean autoEoi,
                            boolean rotateOnAutoEoi, boolean specialFullyNested, boolean init4, boolean single,
                            int elcr) {
    }

    public record State(ChipState master, ChipState slave) {
    }

    /** One 8259A. */
    public final class Chip implements IoDevice {
        private final boolean isMaster;
        private final int elcrMask;
        private final IrqLine.Listener out;
        int lastIrr, irr, imr, isr, priorityAdd, irqBase, initState, elcr;
        boolean readIsr, poll, specialMask, autoEoi, rotateOnAutoEoi, specialFullyNested, init4, single;

        Chip(boolean isMaster, int elcrMask, IrqLine.Listener out) {
            this.isMaster = isMaster;
            this.elcrMask = elcrMask;
            this.out = out;
        }

        /** Priority (0 = highest) of the highest request in {@code mask} under the current rotation; 8 if none. */
        private int priority(int mask) {
            if (mask == 0) return 8;
            int p = 0;
            while ((mask & (1 << ((p + priorityAdd) & 7))) == 0) p++;
            return p;
        }

        /** The IR line that would interrupt now, or -1. */
        int pending() {
            int p = priority(irr & ~imr);
            if (p == 8) return -1;
            int inService = isr;
            // special mask mode: masked levels do not block lower priorities
            if (specialMask) inService &= ~imr;
            // special fully nested: the slave may interrupt again while its IR2 is in service
            if (specialFullyNested && isMaster) inService &= ~(1 << 2);
            return p < priority(inService) ? (p + priorityAdd) & 7 : -1;
        }

        void update() {
            out.irqChanged(pending() >= 0);
        }

        void setIrq(int n, boolean level) {
            int mask = 1 << n;
            if ((elcr & mask) != 0) {
                // level: the request follows the line
                if (level) {
                    irr |= mask;
                    lastIrr |= mask;
                } else {
                    irr &= ~mask;
                    lastIrr &= ~mask;
                }
            } else if (level) {
                // edge: only a rising edge requests
                if ((lastIrr & mask) == 0) irr |= mask;
                lastIrr |= mask;
            } else {
                lastIrr &= ~mask;
            }
            update();
        }

        /** The second INTA cycle: the request moves from IRR to ISR (or is dropped in auto-EOI mode). */
        void ack(int n) {
            if (autoEoi) {
                if (rotateOnAutoEoi) priorityAdd = (n + 1) & 7;
            } else {
                isr |= 1 << n;
            }
            // a level-triggered request stays until the device drops its line
            if ((elcr & (1 << n)) == 0) irr &= ~(1 << n);
            update();
        }

        void reset() {
            lastIrr = 0;
            irr &= elcr;
            imr = isr = priorityAdd = irqBase = 0;
            readIsr = poll = specialMask = false;
            initState = 0;
            autoEoi = rotateOnAutoEoi = specialFullyNested = init4 = single = false;
            update();
        }

        @Override
        public long read(long offset, int size) {
            if (poll) {
                // poll mode: the read is the acknowledge
                poll = false;
                int n = pending();
                if (n < 0) return 0;
                ack(n);
                return 0x80 | n;
            }
            if ((offset & 1) == 0) return readIsr ? isr : irr;
            return imr;
        }

        @Override
        public void write(long offset, int size, long value) {
            int val = (int) value & 0xff;
            if ((offset & 1) == 0) {
                if ((val & ICW1) != 0) {
                    reset();
                    initState = 1;
                    init4 = (val & ICW1_IC4) != 0;
                    single = (val & ICW1_SNGL) != 0;
                    if ((val & ICW1_LTIM) != 0 && log != null && log.on(Log.Item.UNIMP))
                        log.printf("i8259: level sensitive irq not supported (ICW1 LTIM), use ELCR%n");
                } else if ((val & OCW3) != 0) {
                    if ((val & OCW3_POLL) != 0) poll = true;
                    if ((val & OCW3_RR) != 0) readIsr = (val & OCW3_RIS) != 0;
                    if ((val & OCW3_ESMM) != 0) {
                        specialMask = (val & OCW3_SMM) != 0;
                        update();
                    }
                } else {
                    ocw2(val);
                }
            } else {
                switch (initState) {
                    case 0 -> { // OCW1
                        imr = val;
                        update();
                    }
                    case 1 -> { // ICW2: vector base
                        irqBase = val & 0xf8;
                        initState = single ? (init4 ? 3 : 0) : 2;
                    }
                    case 2 -> initState = init4 ? 3 : 0; // ICW3: cascade wiring is fixed on a PC
                    default -> { // ICW4
                        specialFullyNested = (val & ICW4_SFNM) != 0;
                        autoEoi = (val & ICW4_AEOI) != 0;
                        initState = 0;
                    }
                }
            }
        }

        private void ocw2(int val) {
            int cmd = val >> 5;
            switch (cmd) {
                case 0, 4 -> rotateOnAutoEoi = cmd == 4; // (clear/set) rotate in auto-EOI mode
                case 1, 5 -> { // non-specific EOI (and rotate)
                    int p = priority(isr);
                    if (p != 8) {
                        int n = (p + priorityAdd) & 7;
                        isr &= ~(1 << n);
                        if (cmd == 5) priorityAdd = (n + 1) & 7;
                        update();
                    }
                }
                case 3 -> { // specific EOI
                    isr &= ~(1 << (val & 7));
                    update();
                }
                case 6 -> { // set priority: the given level becomes the lowest
                    priorityAdd = (val + 1) & 7;
                    update();
                }
                case 7 -> { // rotate on specific EOI
                    int n = val & 7;
                    isr &= ~(1 << n);
                    priorityAdd = (n + 1) & 7;
                    update();
                }
                default -> {
                } // 2: no operation
            }
        }

        public int irr() {
            return irr;
        }

        public int isr() {
            return isr;
        }

        public int imr() {
            return imr;
        }

        ChipState save() {
            return new ChipState(lastIrr, irr, imr, isr, priorityAdd, irqBase, readIsr, poll, specialMask, initState,
                    autoEoi, rotateOnAutoEoi, specialFullyNested, init4, single, elcr);
        }

        void restore(ChipState s) {
            lastIrr = s.lastIrr();
            irr = s.irr();
            imr = s.imr();
            isr = s.isr();
            priorityAdd = s.priorityAdd();
            irqBase = s.irqBase();
            readIsr = s.readIsr();
            poll = s.poll();
            specialMask = s.specialMask();
            initState = s.initState();
            autoEoi = s.autoEoi();
            rotateOnAutoEoi = s.rotateOnAutoEoi();
            specialFullyNested = s.specialFullyNested();
            init4 = s.init4();
            single = s.single();
            elcr = s.elcr() & elcrMask;
        }
    }

    private final IrqLine intr;
    private final Log log;
    private final Chip master, slave;
    private final IrqLine.Listener[] inputs = new IrqLine.Listener[16];

    /**
     * @param intr the master's INT output to the CPU
     */
    public I8259(IrqLine intr, Log log) {
        this.intr = intr;
        this.log = log;
        this.master = new Chip(true, 0xf8, intr::set);
        // the slave's INT drives master IR2
        this.slave = new Chip(false, 0xde, level -> master.setIrq(2, level));
        for (int i = 0; i < 16; i++) {
            int n = i;
            inputs[i] = n < 8 ? level -> master.setIrq(n, level) : level -> slave.setIrq(n - 8, level);
        }
    }

    /** The receiving end of ISA IRQ {@code n} (0-15); IRQ 2 is the cascade and not wired to devices on a PC. */
    public IrqLine.Listener input(int n) {
        return inputs[n];
    }

    /** Ports 0x20-0x21. */
    public Chip master() {
        return master;
    }

    /** Ports 0xa0-0xa1. */
    public Chip slave() {
        return slave;
    }

    /** ELCR1/ELCR2 at 0x4d0-0x4d1: one bit per IRQ, 1 = level triggered. IRQ 0-2, 8 and 13 are always edge. */
    public IoDevice elcr() {
        return elcr;
    }

    private final IoDevice elcr = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            return ((offset & 1) == 0 ? master : slave).elcr;
        }

        @Override
        public void write(long offset, int size, long value) {
            Chip c = (offset & 1) == 0 ? master : slave;
            c.elcr = (int) value & c.elcrMask;
        }
    };

    /** Resets both chips (ELCR keeps its value, as on the PIIX). */
    public void reset() {
        master.reset();
        slave.reset();
    }

    /** True while the master's INT output is asserted. */
    public boolean intrPending() {
        return master.pending() >= 0;
    }

    /**
     * The CPU's interrupt acknowledge: returns the vector and updates IRR/ISR as the two INTA cycles do. With no
     * request left (it went away between INT and INTA) the 8259 answers with IR7, the spurious interrupt.
     */
    public int intAck() {
        int irq = master.pending();
        int vector;
        if (irq >= 0) {
            if (irq == 2) {
                int irq2 = slave.pending();
                if (irq2 >= 0) slave.ack(irq2);
                else irq2 = 7; // spurious on the slave
                vector = slave.irqBase + irq2;
            } else {
                vector = master.irqBase + irq;
            }
            master.ack(irq);
        } else {
            vector = master.irqBase + 7;
        }
        return vector;
    }

    public State save() {
        return new State(master.save(), slave.save());
    }

    public void restore(State s) {
        master.restore(s.master());
        slave.restore(s.slave());
        slave.update();
        master.update();
    }

    /** The INT output line (as wired by the board). */
    public IrqLine intr() {
        return intr;
    }
}
