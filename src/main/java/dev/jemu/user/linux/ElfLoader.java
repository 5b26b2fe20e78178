package dev.jemu.user.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Loads an ELF executable (static or dynamic, PIE or not) and its interpreter into an {@link AddressSpace},
 * as the kernel's binfmt_elf does: PT_LOAD segments at their addresses (PIE and the interpreter at a base we
 * choose), bss zeroed, and the facts the initial stack's auxiliary vector needs.
 */
public final class ElfLoader {
    public static final int EM_386 = 3, EM_X86_64 = 62;
    private static final int PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_GNU_STACK = 0x6474e551;
    private static final int ET_EXEC = 2, ET_DYN = 3;

    /** What was loaded. */
    public static final class Image {
        public long entry;      // where execution starts (the interpreter's entry if there is one)
        public long progEntry;  // AT_ENTRY
        public long phdr, phent, phnum;
        public long interpBase; // AT_BASE (0 without interpreter)
        public long loadBias;
        public long end;        // highest address of the program: brk starts here
        public String interp;
        public boolean execStack;
    }

    private record Elf(Path path, ByteBuffer hdr, boolean is64, int type, int machine, long entry, long phoff,
                       int phentsize, int phnum, FileChannel ch) {
    }

    private final boolean is64;
    private final int machine;
    private final String sysroot;

    /** @param sysroot the -L prefix for the interpreter (or null) */
    public ElfLoader(boolean is64, String sysroot) {
        this.is64 = is64;
        this.machine = is64 ? EM_X86_64 : EM_386;
        this.sysroot = sysroot;
    }

    /** Quick check used by execve: is this file an ELF for our machine? */
    public boolean isOurElf(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 0);
            return b.position() == 20 && b.getInt(0) == 0x464c457f && b.get(4) == (is64 ? 2 : 1)
                    && b.getShort(18) == machine;
        } catch (IOException e) {
            return false;
        }
    }

    public Image load(AddressSpace as, Path path, long pieBase) throws LoadError {
        Elf elf = open(path);
        try {
            Image img = new Image();
            ByteBuffer ph = readPhdrs(elf);
            img.phent = elf.phentsize;
            img.phnum = elf.phnum;
            // Interpreter and stack flags.
            long phdrVaddr = -1;
            for (int k = 0; k < elf.phnum; k++) {
                int o = k * elf.phentsize;
                int type = ph.getInt(o);
                if (type == PT_INTERP) {
                    long off = off(ph, o), sz = filesz(ph, o);
                    if (sz <= 0 || sz > 4096) throw new LoadError("Invalid ELF image for this architecture");
                    ByteBuffer b = ByteBuffer.allocate((int) sz);
                    readFully(elf.ch, b, off);
                    String s = new String(b.array(), 0, (int) sz, java.nio.charset.StandardCharsets.UTF_8);
                    int z = s.indexOf('\0');
                    img.interp = z >= 0 ? s.substring(0, z) : s;
                } else if (type == PT_PHDR) {
                    phdrVaddr = vaddr(ph, o);
                } else if (type == PT_GNU_STACK) {
                    img.execStack = (ph.getInt(o + (elf.is64 ? 4 : 24)) & 1) != 0;
                }
            }
            long bias = elf.type == ET_DYN ? pieBase : 0;
            long[] span = mapSegments(as, elf, ph, bias, path.toString());
            img.loadBias = bias;
            img.end = span[1];
            img.progEntry = elf.entry + bias;
            if (phdrVaddr >= 0) {
                img.phdr = phdrVaddr + bias;
            } else {
                img.phdr = phdrFromLoad(elf, ph) + bias;
            }
            img.entry = img.progEntry;
            if (img.interp != null) {
                Path ip = interpPath(img.interp);
                Elf ie;
                try {
                    ie = open(ip);
                } catch (LoadError e) {
                    throw new LoadError("Could not open interpreter " + img.interp + ": " + e.getMessage());
                }
                try {
                    if (ie.type != ET_DYN) throw new LoadError("Invalid ELF image for this architecture");
                    ByteBuffer iph = readPhdrs(ie);
                    long lo = Long.MAX_VALUE, hi = 0;
                    for (int k = 0; k < ie.phnum; k++) {
                        int o = k * ie.phentsize;
                        if (iph.getInt(o) != PT_LOAD) continue;
                        lo = Math.min(lo, AddressSpace.pageDown(vaddr(iph, o)));
                        hi = Math.max(hi, vaddr(iph, o) + memsz(iph, o));
                    }
                    long base = as.findFree(AddressSpace.pageUp(hi) - lo, 0);
                    if (base < 0) throw new LoadError("Cannot allocate memory");
                    base -= lo;
                    mapSegments(as, ie, iph, base, ip.toString());
                    img.interpBase = base;
                    img.entry = ie.entry + base;
                } finally {
                    close(ie);
                }
            }
            return img;
        } finally {
            close(elf);
        }
    }

    private Path interpPath(String interp) {
        if (sysroot != null) {
            Path p = Path.of(sysroot, interp);
            if (Files.exists(p)) return p;
        }
        return Path.of(interp);
    }

    private static void close(Elf e) {
        try {
            e.ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private Elf open(Path path) throws LoadError {
        FileChannel ch;
        try {
            if (Files.isDirectory(path)) throw new LoadError("Is a directory");
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new LoadError("No such file or directory");
        } catch (AccessDeniedException e) {
            throw new LoadError("Permission denied");
        } catch (IOException e) {
            throw new LoadError(e.getMessage());
        }
        try {
            ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            int n = ch.read(h, 0);
            if (n < 16 || h.getInt(0) != 0x464c457f) {
                throw new LoadError("Exec format error");
            }
            boolean e64 = h.get(4) == 2;
            if (h.get(5) != 1 || e64 != is64 || (h.get(4) != 1 && h.get(4) != 2)) {
                throw new LoadError("Invalid ELF image for this architecture");
            }
            if (n < (e64 ? 64 : 52)) throw new LoadError("Invalid ELF image for this architecture");
            int type = h.getShort(16) & 0xffff;
            int mach = h.getShort(18) & 0xffff;
            if (mach != machine || (type != ET_EXEC && type != ET_DYN)) {
                throw new LoadError("Invalid ELF image for this architecture");
            }
            long entry = e64 ? h.getLong(24) : h.getInt(24) & 0xffffffffL;
            long phoff = e64 ? h.getLong(32) : h.getInt(28) & 0xffffffffL;
            int phentsize = h.getShort(e64 ? 54 : 42) & 0xffff;
            int phnum = h.getShort(e64 ? 56 : 44) & 0xffff;
            if (phentsize != (e64 ? 56 : 32) || phnum == 0 || phnum > 512
                    || phoff + (long) phentsize * phnum > ch.size()) {
                throw new LoadError("Invalid ELF image for this architecture");
            }
            return new Elf(path, h, e64, type, mach, entry, phoff, phentsize, phnum, ch);
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new LoadError(e.getMessage());
        } catch (LoadError e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    private static ByteBuffer readPhdrs(Elf e) throws LoadError {
        ByteBuffer b = ByteBuffer.allocate(e.phentsize * e.phnum).order(ByteOrder.LITTLE_ENDIAN);
        readFully(e.ch, b, e.phoff);
        return b;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long off) throws LoadError {
        try {
            while (b.hasRemaining()) {
                int n = ch.read(b, off + b.position());
                if (n < 0) throw new LoadError("Invalid ELF image for this architecture (truncated)");
            }
        } catch (IOException ex) {
            throw new LoadError(ex.getMessage());
        }
    }

    private long vaddr(ByteBuffer ph, int o) {
        return is64 ? ph.getLong(o + 16) : ph.getInt(o + 8) & 0xffffffffL;
    }

    private long off(ByteBuffer ph, int o) {
        return is64 ? ph.getLong(o + 8) : ph.getInt(o + 4) & 0xffffffffL;
    }

    private long filesz(ByteBuffer ph, int o) {
        return is64 ? ph.getLong(o + 32) : ph.getInt(o + 16) & 0xffffffffL;
    }

    private long memsz(ByteBuffer ph, int o) {
        return is64 ? ph.getLong(o + 40) : ph.getInt(o + 20) & 0xffffffffL;
    }

    private int flags(ByteBuffer ph, int o) {
        return ph.getInt(o + (is64 ? 4 : 24));
    }

    private long phdrFromLoad(Elf e, ByteBuffer ph) {
        for (int k = 0; k < e.phnum; k++) {
            int o = k * e.phentsize;
            if (ph.getInt(o) == PT_LOAD && off(ph, o) <= e.phoff && e.phoff < off(ph, o) + filesz(ph, o)) {
                return vaddr(ph, o) + (e.phoff - off(ph, o));
            }
        }
        return 0;
    }

    /** Maps and fills every PT_LOAD; returns {lowest, highest} address used. */
    private long[] mapSegments(AddressSpace as, Elf e, ByteBuffer ph, long bias, String name) throws LoadError {
        long lo = Long.MAX_VALUE, hi = 0;
        long fileSize;
        try {
            fileSize = e.ch.size();
        } catch (IOException ex) {
            throw new LoadError(ex.getMessage());
        }
        long mappedEnd = -1; // end of the last page mapped, for segments sharing a page
        for (int k = 0; k < e.phnum; k++) {
            int o = k * e.phentsize;
            if (ph.getInt(o) != PT_LOAD) continue;
            long va = vaddr(ph, o) + bias, fsz = filesz(ph, o), msz = memsz(ph, o), off = off(ph, o);
            if (fsz > msz || off + fsz > fileSize || va + msz > as.limit() || va < 0
                    || (va & 0xfff) != (off & 0xfff)) {
                throw new LoadError("Invalid ELF image for this architecture");
            }
            int prot = 0, f = flags(ph, o);
            if ((f & 4) != 0) prot |= AddressSpace.PROT_READ;
            if ((f & 2) != 0) prot |= AddressSpace.PROT_WRITE;
            if ((f & 1) != 0) prot |= AddressSpace.PROT_EXEC;
            long start = AddressSpace.pageDown(va), end = AddressSpace.pageUp(va + msz);
            if (start < mappedEnd) {
                // This segment shares its first page with the previous one: widen that page's permissions.
                AddressSpace.Vma prev = as.vmaAt(start);
                as.protect(start, 4096, (prev == null ? 0 : prev.prot) | prot);
                start += 4096;
            }
            if (end > start) as.map(start, end - start, prot, name, off - (va - start));
            mappedEnd = Math.max(mappedEnd, end);
            // Copy the file contents straight into guest memory.
            try {
                ByteBuffer dst = as.segment().asSlice(va, fsz).asByteBuffer();
                while (dst.hasRemaining()) {
                    int n = e.ch.read(dst, off + dst.position());
                    if (n < 0) throw new LoadError("Invalid ELF image for this architecture (truncated)");
                }
            } catch (IOException ex) {
                throw new LoadError(ex.getMessage());
            }
            lo = Math.min(lo, va);
            hi = Math.max(hi, va + msz);
        }
        if (hi == 0) throw new LoadError("Invalid ELF image for this architecture");
        return new long[] {lo, hi};
    }
}
