package dev.jemu.user.linux;

import dev.jemu.testutil.Guests;
import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import dev.jemu.testutil.SideBySide;
import dev.jemu.testutil.TestFiles;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's static busybox (from scripts/fetch-guests: amd64 under jemu-x86_64, i386 under
 * jemu-i386) runs shell scripts natively and under the emulator, each in its own copy of the same
 * input files, and must print the same bytes and exit the same way. Every command is a busybox
 * applet: the shell runs applets itself (re-executing /proc/self/exe), and PATH holds only links to
 * busybox, for the applets that exec others by name (tar runs gzip).
 */
@Tag("guest")
class BusyboxTest {
    private static final Duration NATIVE_TIMEOUT = Duration.ofSeconds(60);

    enum Arch {
        AMD64("amd64", "jemu-x86_64"), I386("i386", "jemu-i386");

        final String debian, tool;

        Arch(String debian, String tool) {
            this.debian = debian;
            this.tool = tool;
        }
    }

    /** A script for busybox sh; {@code slow} ones get a longer emulated timeout. */
    record Case(String name, String script, boolean slow) {}

    static final List<Case> CASES = List.of(
            new Case("shell", "for i in 1 2 3; do echo $i; done | sort -r | tr 3 X; echo $((6*7)); (exit 3); echo $?", false),
            new Case("shell-features", """
                    f() { local x=$1; echo "f:$x:$#"; return 4; }; f a b c; echo "rc=$?"
                    s="Hello, World"; echo "${s#Hello}|${s%World}|${#s}|${s/o/0}"
                    set -- one "two three" four; for a in "$@"; do echo "[$a]"; done
                    case abc in a*) echo glob-ok;; esac; i=0; while [ $i -lt 5 ]; do i=$((i+1)); done; echo i=$i
                    echo $(echo nested $(echo deeper)); x=`expr 7 \\* 6`; echo x=$x
                    trap 'echo trapped' EXIT; ( echo subshell; exit 7 ); echo sub=$?; false || echo or-ok
                    printf '%5s|%-5s|%03d|%x\\n' ab cd 7 255; read a b <<EOF
                    first second third
                    EOF
                    echo "read: $a / $b"
                    """, false),
            new Case("sort", "sort words.txt | md5sum; sort -n nums.txt | head -5; sort -rn nums.txt | head -3; "
                    + "sort -u -r words.txt | tail -3; sort -t, -k2,2 -k3,3n data.csv | head -8; sort -c words.txt; echo c=$?", false),
            new Case("checksums", "md5sum big.bin words.txt; sha256sum big.bin; sha1sum words.txt; sha512sum nums.txt", true),
            new Case("gzip", "gzip -c big.bin > big.gz && wc -c < big.gz && md5sum big.gz && gunzip -c big.gz | sha256sum; "
                    + "gzip -9 -c words.txt | gunzip | md5sum; gzip -1 -c nums.txt > n.gz; gzip -t n.gz && echo test-ok; "
                    + "zcat n.gz | tail -2", true),
            new Case("tar", "tar cf t.tar tree && tar tf t.tar | sort && mkdir x && tar xf t.tar -C x && "
                    + "find x -type f | sort | xargs md5sum && tar czf t.tgz tree && tar tzf t.tgz | wc -l && "
                    + "ls -ln x/tree/top.txt x/tree/a/f1.txt | sed 's/  */ /g'", false),
            new Case("find", "find tree | sort; echo --; find tree -type f -name '*.txt' | sort; echo --; "
                    + "find tree -type d | sort; echo --; find tree -size +2k | sort; find tree -type l | sort; "
                    + "find tree -name 'f*' -exec wc -c {} \\; | sort", false),
            new Case("sed", "sed -n '2,5p' words.txt; sed 's/[aeiou]/_/g' words.txt | head -5; "
                    + "sed -e '/^a/d' -e 's/^\\(.\\)\\(.*\\)$/\\2\\1/' words.txt | tail -5; sed -n '$=' words.txt; "
                    + "printf 'a\\nb\\nc\\n' | sed '1!G;h;$!d'", false),
            new Case("awk", "awk '{n+=length($0)} END {print NR, n}' words.txt; "
                    + "awk -F, '{s[$2]+=$3} END {for (k in s) print k, s[k]}' data.csv | sort; "
                    + "awk 'BEGIN {printf \"%.6f %d %s %s\\n\", atan2(1,1)*4, 2^31, substr(\"hello\",2,3), toupper(\"x\")}'; "
                    + "awk '$1 > 900 {c++} END {print c+0}' nums.txt; awk 'NR%100==0 {print NR\": \"$0}' words.txt", false),
            new Case("wc", "wc words.txt big.bin nums.txt; wc -l < words.txt; wc -w -c data.csv", false),
            new Case("od", "od -A x -t x1z -N 64 big.bin; od -c -N 48 words.txt; od -t d4 -N 32 big.bin; "
                    + "hexdump -C -n 48 -s 1000 big.bin", false),
            new Case("xargs", "seq 1 20 | xargs -n 3 echo; find tree -type f | sort | xargs wc -c; "
                    + "echo a b c | xargs -n1 | xargs -I{} echo item-{}", false),
            new Case("seq", "seq 5; seq 2 3 20; seq -w 8 12; seq -s, 1 10; seq 10 -3 1", false),
            new Case("misc", "dd if=big.bin bs=1k count=10 skip=3 2>/dev/null | md5sum; cut -c1-3 words.txt | sort | uniq -c "
                    + "| sort -rn | head -3; head -c 100 big.bin | cmp - big.bin; echo cmp=$?; expr length abcdef; "
                    + "basename /a/b/c.txt .txt; dirname /a/b/c.txt; echo abc | rev; tr a-z A-Z < words.txt | tail -1; "
                    + "yes | head -3; printf 'b\\na\\nb\\n' | uniq; comm -12 words.txt words.txt | wc -l; "
                    + "paste -d: nums.txt nums.txt | head -2; fold -w 7 words.txt | head -3", false));

    @TestFactory
    Stream<DynamicContainer> busyboxMatchesNative() {
        return Stream.of(Arch.values()).map(a -> DynamicContainer.dynamicContainer(a.debian,
                CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(),
                        java.net.URI.create("busybox:" + a.debian + "/" + c.name()), () -> check(a, c)))));
    }

    private static void check(Arch arch, Case c) {
        Path busybox = Guests.busybox(arch.debian);
        Path base = Jemu.projectDir().resolve("target/busyboxtest").resolve(arch.debian);
        Path inputs = inputs(base.getParent().resolve("inputs"));
        Path nat = prepare(base.resolve(c.name()).resolve("native"), inputs);
        Path emu = prepare(base.resolve(c.name()).resolve("jemu"), inputs);
        Duration emuTimeout = c.slow() ? Jemu.timeout().multipliedBy(3) : Jemu.timeout();
        SideBySide.assertSame(new SideBySide.Run(arch.debian + "/" + c.name(), arch.tool,
                List.of(busybox.toString(), "sh", "-c", c.script()), environment(appletLinks(base, busybox)), nat, emu,
                NATIVE_TIMEOUT,
                emuTimeout, null, base), 0);
    }

    static Map<String, String> environment(Path bin) {
        return Map.of("PATH", bin.toString(), "HOME", "/nonexistent", "LANG", "C", "TZ", "UTC0");
    }

    /** A directory of symbolic links, one per applet, to this busybox (as busybox --install -s makes). */
    private static synchronized Path appletLinks(Path base, Path busybox) {
        Path bin = base.resolve("bin");
        if (Files.isDirectory(bin)) return bin;
        ProcessResult list = Processes.run(List.of(busybox.toString(), "--list"), Processes.Options.of(NATIVE_TIMEOUT));
        try {
            Path tmp = TestFiles.freshDir(base.resolve("bin.tmp"));
            for (String applet : list.stdoutText().split("\n")) {
                if (!applet.isBlank()) Files.createSymbolicLink(tmp.resolve(applet.trim()), busybox);
            }
            Files.move(tmp, bin);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bin;
    }

    /** The shared inputs, made once per test run. */
    private static synchronized Path inputs(Path dir) {
        if (Files.exists(dir.resolve(".done"))) return dir;
        TestFiles.freshDir(dir);
        TestFiles.mixed(dir.resolve("big.bin"), 10 << 20, 1);
        TestFiles.words(dir.resolve("words.txt"), 2000, 2);
        StringBuilder nums = new StringBuilder(), csv = new StringBuilder();
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 1000; i++) nums.append(r.nextInt(2000) - 1000).append('\n');
        for (int i = 0; i < 500; i++) {
            csv.append("name").append(i).append(',').append("group").append(r.nextInt(7)).append(',')
                    .append(r.nextInt(100)).append('\n');
        }
        TestFiles.write(dir.resolve("nums.txt"), nums.toString());
        TestFiles.write(dir.resolve("data.csv"), csv.toString());
        TestFiles.write(dir.resolve(".done"), "");
        return dir;
    }

    /** A fresh work directory: hard links to the big inputs, and its own small tree. */
    private static Path prepare(Path dir, Path inputs) {
        TestFiles.freshDir(dir);
        try {
            for (String f : List.of("big.bin", "words.txt", "nums.txt", "data.csv")) {
                Files.createLink(dir.resolve(f), inputs.resolve(f));
            }
            Path tree = dir.resolve("tree");
            TestFiles.write(tree.resolve("a/f1.txt"), "first file\n");
            TestFiles.write(tree.resolve("a/b/f2.txt"), "second file\n".repeat(300));
            TestFiles.write(tree.resolve("a/b/c/data.bin"), "\u0001\u0002binary-ish\u0000".repeat(50));
            TestFiles.write(tree.resolve("top.txt"), "top\n");
            Files.createDirectories(tree.resolve("empty"));
            Files.createSymbolicLink(tree.resolve("link-to-a"), Path.of("a"));
            TestFiles.touchTree(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
