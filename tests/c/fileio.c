/* File I/O in a private temp dir: open flags (O_CREAT|O_EXCL, O_APPEND, O_TRUNC), read/write/
 * lseek (SEEK_END, holes), pread/pwrite, readv/writev, ftruncate, fstat/stat/lstat sizes and
 * types, rename, link/unlink, symlink/readlink, mkdir/rmdir, sorted readdir, fcntl flags and
 * F_DUPFD, dup/dup2, stdio (fopen/fprintf/fgets/fseek/ftell/ungetc), access, chmod, openat,
 * statx-free fstatat, realpath, getcwd/chdir, and errno values of common failures. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64 /* 32-bit readdir fails on 64-bit directory cookies under user-mode emulators */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* prints a call's result and whether errno is the expected one (read after the call returned) */
static void res(const char *what, long rc, int expect) { int e = errno; printf("%s: %ld errno_ok=%d\n", what, rc, rc >= 0 || e == expect); }

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir) {
    DIR *d = opendir(dir);
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    printf("ls:");
    for (int i = 0; i < n; i++) {
        struct stat st;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        lstat(p, &st);
        printf(" %s(%c%lld)", names[i], S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : S_ISREG(st.st_mode) ? 'f' : '?',
               S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL);
        free(names[i]);
    }
    printf("\n");
}

int main(void) {
    char dir[] = "/tmp/difftest-io-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char cwd0[PATH_MAX];
    getcwd(cwd0, sizeof cwd0);
    chdir(dir);
    char cwd[PATH_MAX];
    getcwd(cwd, sizeof cwd);
    printf("chdir ok=%d\n", strcmp(cwd, dir) == 0);

    int fd = open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0644);
    printf("create fd>2=%d\n", fd > 2);
    res("excl again", open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
    write(fd, "hello, world\n", 13);
    printf("lseek end=%ld cur=%ld\n", (long)lseek(fd, 0, SEEK_END), (long)lseek(fd, 0, SEEK_CUR));
    lseek(fd, 100000, SEEK_SET);
    write(fd, "tail", 4);
    struct stat st;
    fstat(fd, &st);
    printf("size with hole=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    char buf[256];
    ssize_t n;
    memset(buf, 'x', sizeof buf);
    n = pread(fd, buf, 8, 50000);
    printf("pread hole: %zd %d %d\n", n, buf[0], buf[7]);
    pwrite(fd, "HELLO", 5, 0);
    lseek(fd, 0, SEEK_SET);
    n = read(fd, buf, 13);
    printf("read %zd: %.*s", n, (int)n, buf);
    struct iovec iov[3] = {{"one ", 4}, {"two ", 4}, {"three\n", 6}};
    lseek(fd, 0, SEEK_END);
    printf("writev %zd\n", writev(fd, iov, 3));
    char r1[5] = {0}, r2[10] = {0};
    struct iovec riov[2] = {{r1, 4}, {r2, 9}};
    lseek(fd, -14, SEEK_END);
    n = readv(fd, riov, 2);
    printf("readv %zd [%s][%s]\n", n, r1, r2);
    ftruncate(fd, 5);
    fstat(fd, &st);
    n = read(fd, buf, 10);
    printf("truncated size=%lld eof read=%zd\n", (long long)st.st_size, n);
    close(fd);

    fd = open("a.txt", O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "+app", 4);
    close(fd);
    fd = open("a.txt", O_RDONLY);
    n = read(fd, buf, sizeof buf);
    printf("append: %.*s\n", (int)n, buf);
    res("write to O_RDONLY", write(fd, "x", 1), EBADF);
    int flags = fcntl(fd, F_GETFL);
    printf("fcntl accmode rdonly=%d\n", (flags & O_ACCMODE) == O_RDONLY);
    int d = fcntl(fd, F_DUPFD, 50);
    printf("F_DUPFD >=50: %d cloexec=%d\n", d >= 50, fcntl(d, F_GETFD) & FD_CLOEXEC);
    fcntl(d, F_SETFD, FD_CLOEXEC);
    printf("cloexec set=%d\n", fcntl(d, F_GETFD) & FD_CLOEXEC);
    int d2 = dup2(fd, 40);
    printf("dup2=%d shared offset=%ld\n", d2, (long)lseek(d2, 0, SEEK_CUR));
    close(fd);
    close(d);
    close(d2);

    /* names */
    fd = open("b.bin", O_CREAT | O_WRONLY | O_TRUNC, 0600);
    for (int i = 0; i < 1000; i++) write(fd, &i, sizeof i);
    close(fd);
    mkdir("sub", 0755);
    mkdir("sub/deeper", 0700);
    rename("b.bin", "sub/moved.bin");
    link("a.txt", "sub/hard");
    symlink("../a.txt", "sub/soft");
    symlink("nowhere", "dangling");
    list(".");
    list("sub");
    char target[64] = {0};
    n = readlink("sub/soft", target, sizeof target - 1);
    printf("readlink %zd %s\n", n, target);
    stat("sub/hard", &st);
    printf("hard links=%ld\n", (long)st.st_nlink);
    res("stat dangling", stat("dangling", &st), ENOENT);
    res("lstat dangling", lstat("dangling", &st), 0);
    res("rmdir nonempty", rmdir("sub"), ENOTEMPTY);
    res("open dir for write", open("sub", O_WRONLY), EISDIR);
    res("open missing", open("missing/x", O_RDONLY), ENOENT);
    res("unlink dir", unlink("sub"), EISDIR);
    res("mkdir existing", mkdir("sub", 0755), EEXIST);
    res("read bad fd", read(999, buf, 1), EBADF);
    chmod("a.txt", 0400);
    stat("a.txt", &st);
    printf("mode %o\n", st.st_mode & 0777);
    res("access R", access("a.txt", R_OK), 0);
    res("access X", access("a.txt", X_OK), EACCES);
    int dfd = open("sub", O_RDONLY | O_DIRECTORY);
    fd = openat(dfd, "moved.bin", O_RDONLY);
    int last = -1;
    pread(fd, &last, sizeof last, 999 * sizeof last);
    fstatat(dfd, "moved.bin", &st, 0);
    printf("openat last=%d size=%lld\n", last, (long long)st.st_size);
    close(fd);
    close(dfd);
    char *rp = realpath("sub/deeper/../soft", NULL);
    printf("realpath tail=%s\n", rp ? rp + strlen(dir) : "(null)");
    free(rp);

    /* stdio */
    FILE *fp = fopen("c.txt", "w+");
    for (int i = 0; i < 100; i++) fprintf(fp, "line %d: %x %g\n", i, i * i, i / 7.0);
    printf("ftell %ld\n", ftell(fp));
    rewind(fp);
    char line[128];
    int lines = 0;
    long sum = 0;
    while (fgets(line, sizeof line, fp)) {
        lines++;
        sum += (long)strlen(line);
    }
    fseek(fp, -20, SEEK_END);
    fgets(line, sizeof line, fp);
    printf("lines %d bytes %ld last part: %s", lines, sum, line);
    fseek(fp, 0, SEEK_SET);
    int c = fgetc(fp);
    ungetc('X', fp);
    printf("ungetc: %c%c\n", c, fgetc(fp));
    fclose(fp);

    /* clean up */
    unlink("sub/hard");
    unlink("sub/soft");
    unlink("sub/moved.bin");
    rmdir("sub/deeper");
    rmdir("sub");
    unlink("dangling");
    chmod("a.txt", 0600);
    unlink("a.txt");
    unlink("c.txt");
    chdir(cwd0);
    printf("rmdir temp=%d\n", rmdir(dir));
    return 0;
}
