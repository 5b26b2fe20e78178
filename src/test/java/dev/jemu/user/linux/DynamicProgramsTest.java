package dev.jemu.user.linux;

import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import dev.jemu.testutil.SideBySide;
import dev.jemu.testutil.TestFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The host's own dynamically linked programs (ld.so, libc, libm, libpthread, python's and perl's
 * shared modules) under jemu-x86_64, compared byte for byte with native runs.
 */
@Tag("guest")
class DynamicProgramsTest {
    private static final Duration NATIVE_TIMEOUT = Duration.ofSeconds(60);

    static final String PYTHON = """
            import json, hashlib, re, math, concurrent.futures
            data = {"name": "jemu", "values": [1, 2.5, None, True, "x\\u00e9"], "nested": {"a": [1, 2, {"b": 3}]}}
            s = json.dumps(data, sort_keys=True)
            print(s, json.loads(s) == data)
            print(hashlib.sha256(s.encode()).hexdigest(), hashlib.md5(b"abc").hexdigest(), hashlib.sha1(b"x" * 100000).hexdigest())
            print(re.findall(r"\\b\\w{5,}\\b", "the quick brown jumping foxes evaded capture"),
                  re.sub(r"(\\d+)", lambda m: str(int(m.group(1)) * 2), "a1 b22 c333"))
            # libm results below a full 17 digits: glibc picks FMA variants by cpuid
            print(["%.12g" % v for v in (math.sqrt(2), math.sin(1), math.exp(10), math.log(3), math.atan2(1, 2))])
            print(math.factorial(30), math.gcd(2**40, 6**20), repr(0.1 + 0.2), 2**100 // 3**20, float.hex(1 / 3))
            def work(n):
                return sum(i * i % 7 for i in range(n))
            with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
                print(list(ex.map(work, [1000, 2000, 3000, 4000, 5000])))
            print(sorted({"b": 1, "a": 2}.items()), "%08.3f" % 3.14159, f"{2**100:,}", "tail")
            """;

    static final String PERL = """
            my %h = (a => 1, b => 2, c => 3);
            print join(",", map { "$_=$h{$_}" } sort keys %h), "\\n";
            printf("%.10f %d %s\\n", sqrt(2), 2**31, uc "hello");
            my @y = ("The year 2024 and 1999" =~ /(\\d{4})/g); print "@y\\n";
            print scalar reverse("abcdef"), " ", join(" ", sort { $a <=> $b } (10, 2, 33, 4)), "\\n";
            print unpack("H*", pack("N n C", 305419896, 4660, 255)), "\\n";
            my $x = 0; $x += $_ for 1 .. 100000; print "$x\\n";
            my $s = "abc" x 3; $s =~ s/b/B/g; print "$s ", length($s), " ", sprintf("%05.1f|%-4s|%x", 3.14159, "ab", 255), "\\n";
            """;

    static final String HELLO = """
            #include <stdio.h>
            #include <math.h>
            int main(int argc, char **argv) {
                double s = 0;
                for (int i = 1; i <= 1000; i++) s += 1.0 / i;
                printf("hello, world %d %.12f %s\\n", argc, s, argv[0] ? "argv0" : "none");
                return 3;
            }
            """;

    @Test
    void lsOfRoot() {
        Path ls = require("/bin/ls");
        // entries whose metadata changes by itself between two runs (process counts, temp files)
        Set<String> volatileNames = Set.of("proc", "sys", "dev", "run", "tmp");
        UnaryOperator<String> stable = out -> out.lines()
                .filter(l -> !volatileNames.contains(l.substring(l.lastIndexOf(' ') + 1)))
                .collect(Collectors.joining("\n", "", "\n"));
        compare("ls-la-root", List.of(ls.toString(), "-la", "/"), stable);
        compare("ls-usr-bin", List.of(ls.toString(), "-l", "--time-style=+%F", "/usr/bin/ls", "/usr/bin/sha256sum", "/etc/debian_version"),
                null);
    }

    @Test
    void sha256sumOfAFile() {
        Path sha = require("/usr/bin/sha256sum");
        Path dir = dirs("sha256sum");
        TestFiles.mixed(dir.resolve("native/data.bin"), 3 << 20, 7);
        TestFiles.mixed(dir.resolve("jemu/data.bin"), 3 << 20, 7);
        compareIn("sha256sum", List.of(sha.toString(), "data.bin"), dir, null, 0);
    }

    @Test
    void python() {
        Path py = require("/usr/bin/python3");
        compare("python3", List.of(py.toString(), "-I", "-S", "-c", PYTHON), null);
    }

    @Test
    void perl() {
        Path perl = require("/usr/bin/perl");
        compare("perl", List.of(perl.toString(), "-e", PERL), null);
    }

    @Test
    void gccVersion() {
        Path gcc = require("/usr/bin/gcc");
        compare("gcc-version", List.of(gcc.toString(), "--version"), null);
    }

    /** gcc (driver, cc1, as, collect2, ld: many processes) builds a program under the emulator; it must run the same. */
    @Test
    void gccCompilesAndLinksHelloWorld() {
        Path gcc = require("/usr/bin/gcc");
        Path dir = dirs("gcc-hello");
        for (String side : List.of("native", "jemu")) TestFiles.write(dir.resolve(side).resolve("hello.c"), HELLO);
        compareIn("gcc-hello", List.of(gcc.toString(), "-O2", "hello.c", "-o", "hello", "-lm"), dir, null, 0);
        ProcessResult nat = runBuilt(dir.resolve("native/hello"));
        ProcessResult emuBuilt = runBuilt(dir.resolve("jemu/hello"));
        assertEquals(3, nat.exitCode(), "the natively built hello world");
        assertEquals(nat.stdoutText(), emuBuilt.stdoutText(), "output of the program gcc built under the emulator");
        assertEquals(nat.exitCode(), emuBuilt.exitCode(), "exit status of the program gcc built under the emulator");
    }

    private static ProcessResult runBuilt(Path program) {
        return Processes.run(List.of(program.toString(), "x"), new Processes.Options(program.getParent(), environment(),
                null, NATIVE_TIMEOUT));
    }

    private static Path require(String program) {
        Path p = Path.of(program);
        assumeTrue(Files.isExecutable(p), () -> program + " is not installed (scripts/install-deps installs it)");
        return p;
    }

    private static Path dirs(String name) {
        Path dir = Jemu.projectDir().resolve("target/dynamictest").resolve(name);
        TestFiles.freshDir(dir.resolve("native"));
        TestFiles.freshDir(dir.resolve("jemu"));
        return dir;
    }

    private static void compare(String name, List<String> cmd, UnaryOperator<String> filter) {
        compareIn(name, cmd, dirs(name), filter, 0);
    }

    private static void compareIn(String name, List<String> cmd, Path dir, UnaryOperator<String> filter, int status) {
        SideBySide.assertSame(new SideBySide.Run("x86_64/" + name, "jemu-x86_64", cmd, environment(), dir.resolve("native"),
                dir.resolve("jemu"), NATIVE_TIMEOUT, Jemu.timeout().multipliedBy(3), filter, dir.getParent()), status);
    }

    static Map<String, String> environment() {
        return Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", System.getProperty("user.home"), "LANG", "C.UTF-8",
                "TZ", "UTC0");
    }
}
