package dev.jemu.hw.nvram;

import dev.jemu.hw.core.DmaMemory;
import dev.jemu.hw.core.IoBus;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.jemu.hw.nvram.FwCfg.*;
import static org.junit.jupiter.api.Assertions.*;

class FwCfgTest {
    /** 1 MiB of guest RAM; anything above is not memory. */
    final byte[] ram = new byte[1 << 20];
    final DmaMemory mem = new DmaMemory() {
        @Override
        public boolean read(long addr, byte[] dst, int off, int len) {
            if (addr < 0 || addr + len > ram.length) return false;
            System.arraycopy(ram, (int) addr, dst, off, len);
            return true;
        }

        @Override
        public boolean write(long addr, byte[] src, int off, int len) {
            if (addr < 0 || addr + len > ram.length) return false;
            System.arraycopy(src, off, ram, (int) addr, len);
            return true;
        }
    };
    final FwCfg fw = new FwCfg(mem, null);
    final IoBus io = new IoBus(null);

    FwCfgTest() {
        io.map(0x510, 2, 2, fw.ctl(), "fw_cfg");
        io.map(0x514, 8, 4, fw.dmaPort(), "fw_cfg.dma");
    }

    byte[] pioRead(int key, int len) {
        io.write(0x510, 2, key);
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) io.read(0x511, 1);
        return b;
    }

    ByteBuffer be(int addr, int len) {
        return ByteBuffer.wrap(ram, addr, len).slice().order(ByteOrder.BIG_ENDIAN);
    }

    /** SeaBIOS qemu_cfg_dma_transfer: a big-endian FWCfgDmaAccess, its address to the low DMA port. */
    int dma(int control, int length, int address) {
        int desc = 0x7000;
        ByteBuffer d = be(desc, 16);
        d.putInt(0, control).putInt(4, length).putLong(8, address);
        io.write(0x518, 4, Integer.reverseBytes(desc)); // outl(cpu_to_be32(&access), 0x518)
        return be(desc, 4).getInt(0);
    }

    @Test
    void signatureAndIdThroughTheDataPort() {
        assertEquals("QEMU", new String(pioRead(SIGNATURE, 4), StandardCharsets.US_ASCII));
        assertEquals(ID_TRADITIONAL | ID_DMA, pioRead(ID, 4)[0]);
        assertEquals(0, pioRead(0x3000, 1)[0], "an invalid key reads zeros");
        assertEquals(0, pioRead(SIGNATURE, 5)[4], "past the end reads zeros");
    }

    @Test
    void dmaRegisterReadsTheSignatureInMemoryOrder() {
        assertEquals(0x554d4551, io.read(0x514, 4), "inl(0x514) = \"QEMU\"");
        assertEquals(0x47464320, io.read(0x518, 4), "inl(0x518) = \" CFG\"");
        assertEquals('Q', io.read(0x514, 1));
    }

    /** SeaBIOS qemu_cfg_read_entry / romfile listing: the directory, then a file by DMA. */
    @Test
    void directoryIsSortedAndFilesReadByDma() {
        byte[] bootorder = "/pci@i0cf8/ide@1,1/drive@0/disk@0\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tables = new byte[5000];
        for (int i = 0; i < tables.length; i++) tables[i] = (byte) (i * 7);
        fw.addFile("etc/e820", new byte[20]);
        fw.addFile("bootorder", bootorder);
        fw.addFile("etc/acpi/tables", tables);
        // parse the directory as SeaBIOS qemu_romfile_init does (PIO, big-endian)
        byte[] count = pioRead(FILE_DIR, 4);
        int n = ByteBuffer.wrap(count).getInt();
        assertEquals(3, n);
        Map<String, int[]> dir = new LinkedHashMap<>();
        byte[] all = pioRead(FILE_DIR, 4 + 64 * n);
        ByteBuffer b = ByteBuffer.wrap(all, 4, 64 * n).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < n; i++) {
            int size = b.getInt();
            int select = b.getShort() & 0xffff;
            b.getShort();
            byte[] name = new byte[56];
            b.get(name);
            int len = 0;
            while (name[len] != 0) len++;
            dir.put(new String(name, 0, len, StandardCharsets.US_ASCII), new int[]{size, select});
        }
        assertEquals(List.of("bootorder", "etc/acpi/tables", "etc/e820"), new ArrayList<>(dir.keySet()));
        assertArrayEquals(new int[]{bootorder.length, 0x20}, dir.get("bootorder"));
        assertArrayEquals(new int[]{5000, 0x21}, dir.get("etc/acpi/tables"));
        assertEquals(0x22, fw.fileKey("etc/e820"));

        int key = dir.get("etc/acpi/tables")[1];
        assertEquals(0, dma(key << 16 | DMA_SELECT | DMA_READ, 5000, 0x10000), "control 0: done, no error");
        assertArrayEquals(tables, Arrays.copyOfRange(ram, 0x10000, 0x10000 + 5000));
    }

    @Test
    void dmaSkipThenReadContinuesAndReadsPastTheEndAsZeros() {
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        fw.addFile("opt/test", data);
        int key = fw.fileKey("opt/test");
        assertEquals(0, dma(key << 16 | DMA_SELECT | DMA_SKIP, 4, 0));
        Arrays.fill(ram, 0x20000, 0x20010, (byte) 0x55);
        assertEquals(0, dma(DMA_READ, 10, 0x20000));
        assertEquals("456789", new String(ram, 0x20000, 6, StandardCharsets.US_ASCII));
        assertEquals(0, ram[0x20006], "beyond the item: zeros");
        assertEquals(0, ram[0x20009]);
        assertEquals(0x55, ram[0x2000a], "nothing written past the request");
        // the PIO data port shares the offset
        io.write(0x510, 2, key);
        io.read(0x511, 1);
        assertEquals(0, dma(DMA_READ, 2, 0x20000));
        assertEquals("12", new String(ram, 0x20000, 2, StandardCharsets.US_ASCII));
    }

    @Test
    void dmaWritesOnlyToWritableItemsAndWholly() {
        int[] written = {-1, -1};
        fw.addFile("etc/ro", new byte[4]);
        fw.addFile("etc/rw", new byte[4], null, (off, len) -> {
            written[0] = off;
            written[1] = len;
        }, true);
        ram[0x30000] = 9;
        ram[0x30001] = 8;
        assertEquals(DMA_ERROR, dma(fw.fileKey("etc/ro") << 16 | DMA_SELECT | DMA_WRITE, 2, 0x30000));
        assertEquals(0, dma(fw.fileKey("etc/rw") << 16 | DMA_SELECT | DMA_WRITE, 2, 0x30000));
        assertArrayEquals(new int[]{0, 2}, written);
        assertArrayEquals(new byte[]{9, 8, 0, 0}, pioRead(fw.fileKey("etc/rw"), 4));
        assertEquals(DMA_ERROR, dma(fw.fileKey("etc/rw") << 16 | DMA_SELECT | DMA_WRITE, 6, 0x30000),
                "a write running past the item fails");
    }

    @Test
    void dmaToMemoryThatIsNotRamReportsAnError() {
        assertEquals(DMA_ERROR, dma(SIGNATURE << 16 | DMA_SELECT | DMA_READ, 4, 0x7ff00000));
        assertEquals(0, dma(SIGNATURE << 16 | DMA_SELECT, 4, 0x7ff00000), "no operation bits: nothing done");
    }

    @Test
    void sixtyFourBitDescriptorAddressInTwoHalves() {
        // descriptor below 4G but written high half first, as Linux's fw_cfg driver does
        ByteBuffer d = be(0x8000, 16);
        d.putInt(0, SIGNATURE << 16 | DMA_SELECT | DMA_READ).putInt(4, 4).putLong(8, 0x9000);
        io.write(0x514, 4, Integer.reverseBytes(0));
        io.write(0x518, 4, Integer.reverseBytes(0x8000));
        assertEquals("QEMU", new String(ram, 0x9000, 4, StandardCharsets.US_ASCII));
        assertEquals(0, be(0x8000, 4).getInt(0));
    }

    @Test
    void standardPcItems() {
        fw.setRamSize(128L << 20);
        fw.setCpus(2, 4);
        fw.setBootMenu(true);
        fw.setCmdline(0x20000, "console=ttyS0");
        fw.setKernel(0x100000, new byte[]{1, 2, 3});
        fw.setInitrd(0x7f00000, new byte[]{4, 5});
        fw.setE820(List.of(new E820Entry(0, 0x9fc00, E820Entry.RAM),
                new E820Entry(0x100000, (128L << 20) - 0x100000, E820Entry.RAM),
                new E820Entry(0xfffc0000L, 0x40000, E820Entry.RESERVED)));
        assertEquals(128L << 20, ByteBuffer.wrap(pioRead(RAM_SIZE, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertArrayEquals(new byte[]{2, 0}, pioRead(NB_CPUS, 2));
        assertArrayEquals(new byte[]{4, 0}, pioRead(MAX_CPUS, 2));
        assertArrayEquals(new byte[]{1, 0}, pioRead(BOOT_MENU, 2));
        assertEquals(14, pioRead(CMDLINE_SIZE, 4)[0], "length with the NUL");
        assertEquals("console=ttyS0\0", new String(pioRead(CMDLINE_DATA, 14), StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[]{0, 0, 0x10, 0}, pioRead(KERNEL_ADDR, 4));
        assertArrayEquals(new byte[]{3, 0, 0, 0}, pioRead(KERNEL_SIZE, 4));
        assertArrayEquals(new byte[]{4, 5}, pioRead(INITRD_DATA, 2));
        ByteBuffer e820 = ByteBuffer.wrap(pioRead(fw.fileKey("etc/e820"), 60)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x100000, e820.getLong(20));
        assertEquals((128L << 20) - 0x100000, e820.getLong(28));
        assertEquals(E820Entry.RESERVED, e820.getInt(56));
        assertThrows(IllegalArgumentException.class, () -> fw.addFile("etc/e820", new byte[0]));
    }

    @Test
    void selectCallbackRunsOnSelection() {
        int[] n = {0};
        fw.addFile("etc/table-loader", new byte[1], () -> n[0]++, null, false);
        pioRead(fw.fileKey("etc/table-loader"), 1);
        dma(fw.fileKey("etc/table-loader") << 16 | DMA_SELECT | DMA_READ, 1, 0x100);
        assertEquals(2, n[0]);
    }
}
