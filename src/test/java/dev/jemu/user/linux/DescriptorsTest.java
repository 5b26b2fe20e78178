package dev.jemu.user.linux;

import org.junit.jupiter.api.Test;

/**
 * Descriptor calls against the host: select/pselect/poll/ppoll/epoll on pipes, eventfd, timerfd, signalfd,
 * splice/tee, memfd, close_range; sockets: TCP echo over loopback, UDP, a Unix socketpair passing a
 * descriptor with SCM_RIGHTS, Unix sockets at relative paths, EPIPE/SIGPIPE.
 */
class DescriptorsTest {
    @Test
    void pollSelectEpollAndEventDescriptors() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.c("pollio"), 0);
    }

    @Test
    void socketsLoopbackAndDescriptorPassing() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.c("sockets"), 0);
    }
}
