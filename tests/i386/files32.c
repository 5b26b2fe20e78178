/* File I/O and file status through the i386 system calls, raw (syscall()) where glibc would pick one
 * variant, so that each conversion is checked against the host kernel's own compat layer. Prints only what is
 * the same in two fresh directories: sizes, modes, link counts, times set explicitly, error numbers. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* The kernel's i386 struct stat and struct stat64 (asm/stat.h), named apart from libc's. */
struct kstat {
    unsigned long st_dev, st_ino;
    unsigned short st_mode, st_nlink, st_uid, st_gid;
    unsigned long st_rdev, st_size, st_blksize, st_blocks, k_atime, k_atime_nsec, k_mtime, k_mtime_nsec,
        k_ctime, k_ctime_nsec, __unused4, __unused5;
};
struct kstat64 {
    unsigned long long st_dev;
    unsigned char __pad0[4];
    unsigned long __st_ino;
    unsigned int st_mode, st_nlink;
    unsigned long st_uid, st_gid;
    unsigned long long st_rdev;
    unsigned char __pad3[4];
    long long st_size;
    unsigned long st_blksize;
    unsigned long long st_blocks;
    unsigned long k_atime, k_atime_nsec, k_mtime, k_mtime_nsec, k_ctime, k_ctime_nsec;
    unsigned long long st_ino;
};

static long sc(long nr, long a, long b, long c, long d, long e, long f) {
    long r = syscall(nr, a, b, c, d, e, f);
    return r < 0 ? -errno : r;
}
#define SC(nr, ...) sc_n(nr, __VA_ARGS__)
#define sc_n(nr, a, b, c, d, e, f, ...) sc(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define S(nr, ...) SC(nr, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
/* printf whose first value is a call made before the other values are read */
#define P(fmt, call, ...) do { long r_ = (call); printf(fmt, r_, __VA_ARGS__); } while (0)

static void show_old(const char *what, long r, struct kstat *s) {
    printf("%s: %ld", what, r);
    if (r == 0)
        printf(" mode=%o nlink=%u size=%lu blksize=%lu blocks=%lu atime=%lu.%lu mtime=%lu.%lu pad=%lx,%lx",
               s->st_mode, s->st_nlink, s->st_size, s->st_blksize, s->st_blocks, s->k_atime, s->k_atime_nsec,
               s->k_mtime, s->k_mtime_nsec, s->__unused4, s->__unused5);
    printf("\n");
}

static void show64(const char *what, long r, struct kstat64 *s) {
    printf("%s: %ld", what, r);
    if (r == 0)
        printf(" mode=%o nlink=%u size=%lld blksize=%lu blocks=%llu atime=%lu.%lu mtime=%lu.%lu ino_same=%d pad=%02x%02x",
               s->st_mode, s->st_nlink, s->st_size, s->st_blksize, s->st_blocks, s->k_atime, s->k_atime_nsec,
               s->k_mtime, s->k_mtime_nsec, (unsigned long)s->st_ino == s->__st_ino, s->__pad0[0], s->__pad3[3]);
    printf("\n");
}

int main(void) {
    char buf[256];
    int fd = open("a.txt", O_RDWR | O_CREAT | O_TRUNC, 0640);
    printf("open %d\n", fd >= 0);
    printf("write %ld\n", (long)write(fd, "0123456789abcdef", 16));
    /* 32-bit lseek with a negative offset, _llseek with a split 64-bit one */
    printf("lseek %ld\n", S(SYS_lseek, fd, -6, SEEK_END));
    P("read %ld %.6s\n", read(fd, buf, 6), buf);
    long long pos = -1;
    P("_llseek %ld pos=%lld\n", S(SYS__llseek, fd, 0, 3, &pos, SEEK_SET), pos);
    P("read %ld %.4s\n", read(fd, buf, 4), buf);
    printf("lseek-einval %ld\n", S(SYS_lseek, fd, -100, SEEK_SET));

    /* readv/writev with the 32-bit iovec */
    struct iovec iov[2] = {{"XY", 2}, {"Z", 1}};
    printf("writev %ld\n", S(SYS_writev, fd, iov, 2));
    char a[3] = {0}, b[5] = {0};
    struct iovec riov[2] = {{a, 2}, {b, 4}};
    printf("pread64 %ld\n", S(SYS_pread64, fd, buf, 4, 14, 0));
    printf("  %.4s\n", buf);
    lseek(fd, 10, SEEK_SET);
    P("readv %ld %s %s\n", S(SYS_readv, fd, riov, 2), a, b);

    /* explicit times, so the status is the same in every run */
    struct timespec ts[2] = {{1000000000, 123456789}, {1200000000, 987654321}};
    printf("utimensat %ld\n", S(SYS_utimensat, AT_FDCWD, "a.txt", ts, 0));
    struct kstat os;
    struct kstat64 s64;
    memset(&os, 0xaa, sizeof os);
    show_old("stat", S(SYS_stat, "a.txt", &os), &os);
    memset(&os, 0xaa, sizeof os);
    show_old("fstat", S(SYS_fstat, fd, &os), &os);
    memset(&s64, 0xaa, sizeof s64);
    show64("stat64", S(SYS_stat64, "a.txt", &s64), &s64);
    memset(&s64, 0xaa, sizeof s64);
    show64("fstat64", S(SYS_fstat64, fd, &s64), &s64);
    memset(&s64, 0xaa, sizeof s64);
    show64("fstatat64", S(SYS_fstatat64, AT_FDCWD, "a.txt", &s64, 0), &s64);
    show64("fstatat64-empty", S(SYS_fstatat64, fd, "", &s64, AT_EMPTY_PATH), &s64);
    show64("stat64-missing", S(SYS_stat64, "nope", &s64), &s64);
    show64("fstat64-ebadf", S(SYS_fstat64, 77, &s64), &s64);
    printf("stat-efault %ld\n", S(SYS_stat, "a.txt", 16));

    /* utime and utimes with 32-bit time_t */
    long ut[2] = {111111111, 222222222};
    printf("utime %ld\n", S(SYS_utime, "a.txt", ut));
    show64("after-utime", S(SYS_lstat64, "a.txt", &s64), &s64);
    long tv[4] = {333333333, 444444, 555555555, 666666};
    printf("utimes %ld\n", S(SYS_utimes, "a.txt", tv));
    show64("after-utimes", S(SYS_stat64, "a.txt", &s64), &s64);
    long badtv[4] = {1, 1000000, 2, 0};
    printf("utimes-einval %ld\n", S(SYS_utimes, "a.txt", badtv));
    int32_t ts32[4] = {777777777, 1, 888888888, 2};
    printf("utimensat32 %ld\n", S(SYS_utimensat, AT_FDCWD, "a.txt", ts32, 0));
    show64("after-utimensat32", S(SYS_stat64, "a.txt", &s64), &s64);

    /* symlinks, lstat */
    printf("symlink %d\n", symlink("a.txt", "l.txt"));
    P("lstat64-link %ld mode=%o size=%lld\n", S(SYS_lstat64, "l.txt", &s64), s64.st_mode, s64.st_size);
    memset(&os, 0, sizeof os);
    P("lstat-link %ld mode=%o size=%lu\n", S(SYS_lstat, "l.txt", &os), os.st_mode, os.st_size);

    /* large files: a sparse 5 GiB file */
    int big = open("big", O_RDWR | O_CREAT | O_TRUNC | O_LARGEFILE, 0600);
    printf("ftruncate64 %ld\n", S(SYS_ftruncate64, big, 0, 1)); /* 4 GiB */
    printf("pwrite64 %ld\n", S(SYS_pwrite64, big, "END", 3, 0x40000000, 1)); /* at 5 GiB */
    memset(&s64, 0, sizeof s64);
    S(SYS_fstat64, big, &s64, 0);
    printf("big size=%lld\n", s64.st_size);
    memset(&os, 0, sizeof os);
    show_old("fstat-big-eoverflow", S(SYS_fstat, big, &os), &os);
    printf("lseek-big-truncated %ld\n", S(SYS_lseek, big, 0, SEEK_END));
    pos = 0;
    P("_llseek-big %ld pos=%lld\n", S(SYS__llseek, big, 1, 0x40000001, &pos, SEEK_SET), pos);
    P("read-big %ld %.2s\n", read(big, buf, 2), buf);
    printf("truncate64 %ld\n", S(SYS_truncate64, "big", 100, 0));
    printf("truncate %ld\n", S(SYS_truncate, "big", 50));
    printf("ftruncate %ld\n", S(SYS_ftruncate, big, 40));
    S(SYS_fstat64, big, &s64, 0);
    printf("big size=%lld\n", s64.st_size);
    printf("ftruncate-neg %ld\n", S(SYS_ftruncate, big, -1));
    printf("fadvise64_64 %ld\n", S(SYS_fadvise64_64, big, 0, 0, 4096, 0, POSIX_FADV_SEQUENTIAL));
    printf("fadvise64 %ld\n", S(SYS_fadvise64, big, 0, 0, 4096, POSIX_FADV_NORMAL));
    printf("fallocate %ld\n", S(SYS_fallocate, big, 0, 0, 0, 8192, 0));
    S(SYS_fstat64, big, &s64, 0);
    printf("big size=%lld\n", s64.st_size);

    /* sendfile with a 32-bit off_t and sendfile64 */
    int out = open("copy", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int32_t off32 = 2;
    P("sendfile %ld off=%d\n", S(SYS_sendfile, out, fd, &off32, 5), off32);
    long long off64 = 1;
    P("sendfile64 %ld off=%lld\n", S(SYS_sendfile64, out, fd, &off64, 3), off64);
    close(out);
    int cf = open("copy", O_RDONLY);
    memset(buf, 0, sizeof buf);
    P("copy %ld %s\n", read(cf, buf, 20), buf);
    close(cf);

    /* fcntl locks: struct flock (fcntl) and struct flock64 (fcntl64), OFD locks seen from a second open */
    struct { short type, whence; int32_t start, len; int pid; } fl = {F_WRLCK, SEEK_SET, 2, 4, 0};
    printf("F_SETLK %ld\n", S(SYS_fcntl, fd, F_SETLK, &fl));
    fl.type = F_WRLCK;
    P("F_GETLK %ld type=%d\n", S(SYS_fcntl, fd, F_GETLK, &fl), fl.type);
    struct __attribute__((packed)) { short type, whence; int64_t start, len; int pid; } fl64 = {F_WRLCK, SEEK_SET, 0x100000000LL, 10, 0};
    printf("fcntl64 F_SETLK64 %ld\n", S(SYS_fcntl64, fd, F_SETLK64, &fl64));
    printf("fcntl F_SETLK64 %ld\n", S(SYS_fcntl, fd, F_SETLK64, &fl64));
    fl64.type = F_WRLCK; fl64.start = 0; fl64.len = 0; fl64.pid = 0;
    printf("F_OFD_SETLK %ld\n", S(SYS_fcntl64, fd, F_OFD_SETLK, &fl64));
    int fd2 = open("a.txt", O_RDWR);
    fl64.type = F_RDLCK; fl64.start = 5; fl64.len = 1; fl64.pid = 0;
    P("F_OFD_GETLK %ld type=%d start=%lld len=%lld pid-is-self=%d\n", S(SYS_fcntl64, fd2, F_OFD_GETLK, &fl64),
           fl64.type, fl64.start, fl64.len, fl64.pid == getpid());
    printf("F_GETFL %lx\n", S(SYS_fcntl64, fd, F_GETFL, 0) & ~0x8000);
    printf("F_DUPFD %ld\n", S(SYS_fcntl64, fd, F_DUPFD, 20));
    printf("F_GETFD %ld\n", S(SYS_fcntl64, 20, F_GETFD, 0));

    /* statfs variants: the file system's type and block size */
    struct { int32_t type, bsize, blocks, bfree, bavail, files, ffree, fsid[2], namelen, frsize, flags, spare[4]; } sfs;
    long r = S(SYS_statfs, ".", &sfs);
    printf("statfs %ld", r);
    if (r == 0) printf(" type=%x bsize=%d namelen=%d frsize=%d\n", sfs.type, sfs.bsize, sfs.namelen, sfs.frsize);
    else printf("\n");
    struct statfs64 s6;
    P("statfs64 %ld type=%lx bsize=%ld namelen=%ld\n", S(SYS_statfs64, ".", sizeof s6, &s6), (long)s6.f_type,
           (long)s6.f_bsize, (long)s6.f_namelen);
    printf("statfs64-size %ld\n", S(SYS_statfs64, ".", 88, &s6));
    P("fstatfs64 %ld type=%lx\n", S(SYS_fstatfs64, fd, sizeof s6, &s6), (long)s6.f_type);

    /* directories: names from the old getdents and from getdents64, sorted */
    mkdir("d", 0755);
    close(open("d/one", O_CREAT | O_WRONLY, 0600));
    close(open("d/two-with-a-longer-name", O_CREAT | O_WRONLY, 0600));
    mkdir("d/sub", 0700);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    char dbuf[4096];
    long n = S(SYS_getdents, dfd, dbuf, sizeof dbuf);
    char names[16][64];
    int cnt = 0;
    for (long p = 0; p < n;) {
        unsigned short reclen = *(unsigned short *)(dbuf + p + 8);
        snprintf(names[cnt++], 64, "%.40s/%d", dbuf + p + 10, dbuf[p + reclen - 1]);
        p += reclen;
    }
    qsort(names, cnt, 64, (int (*)(const void *, const void *))strcmp);
    printf("getdents %d:", cnt);
    for (int k = 0; k < cnt; k++) printf(" %s", names[k]);
    printf("\n");
    lseek(dfd, 0, SEEK_SET);
    n = S(SYS_getdents64, dfd, dbuf, sizeof dbuf);
    cnt = 0;
    for (long p = 0; p < n;) {
        struct dirent64 *d = (struct dirent64 *)(dbuf + p);
        snprintf(names[cnt++], 64, "%.40s/%d", d->d_name, d->d_type);
        p += d->d_reclen;
    }
    qsort(names, cnt, 64, (int (*)(const void *, const void *))strcmp);
    printf("getdents64 %d:", cnt);
    for (int k = 0; k < cnt; k++) printf(" %s", names[k]);
    printf("\n");
    lseek(dfd, 0, SEEK_SET);
    printf("getdents-small %ld\n", S(SYS_getdents, dfd, dbuf, 8));
    printf("getdents-ebadf %ld\n", S(SYS_getdents, 99, dbuf, sizeof dbuf));

    /* libc's own view (whatever calls it makes) */
    DIR *dir = opendir("d");
    int entries = 0;
    while (readdir(dir)) entries++;
    closedir(dir);
    struct stat st;
    int sr = stat("a.txt", &st);
    printf("readdir %d stat %d size=%ld\n", entries, sr, (long)st.st_size);
    printf("access %d %d\n", access("a.txt", R_OK), access("nope", F_OK));
    printf("chown-same %ld\n", S(SYS_chown32, "a.txt", -1, -1));
    printf("chown16-same %ld\n", S(SYS_chown, "a.txt", 0xffff, 0xffff));
    printf("rename %d", rename("copy", "copy2"));
    printf(" unlink %d", unlink("copy2"));
    printf(" rmdir %d\n", rmdir("d/sub"));
    return 0;
}
