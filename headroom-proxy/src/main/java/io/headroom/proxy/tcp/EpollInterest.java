package io.headroom.proxy.tcp;

import io.netty.channel.Channel;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around a Netty 4.2 epoll bug that breaks half-closed TCP flows (seen in 4.2.17, still in 4.2.20).
 *
 * <p>{@code EpollIoHandler} removes a channel's fd from epoll ({@code EPOLL_CTL_DEL}) when its interest set
 * becomes empty but keeps the registration marked as added, so the next interest change is an
 * {@code EPOLL_CTL_MOD} that fails with {@code ENOENT} and Netty closes the channel. A half-closed flow gets there:
 * its input has ended (no EPOLLIN, no EPOLLRDHUP), a write completes (EPOLLOUT cleared: the set is empty), and
 * the next write that fills the socket buffer asks for EPOLLOUT again: the channel closes and bytes are lost.
 *
 * <p>The workaround adds {@code EPOLLMSG} to the channel's interest set once, right after registration. The
 * kernel never reports it for a socket ({@code tcp_poll} does not produce it), so nothing else changes, but the
 * set is never empty and the fd stays in epoll for the channel's life. Netty exposes no API for this, so it calls
 * {@code AbstractEpollChannel.setFlag(int)} through a method handle (classpath, no module boundary).
 */
final class EpollInterest {
    private static final Logger log = LoggerFactory.getLogger(EpollInterest.class);
    /** {@code EPOLLMSG} from {@code <sys/epoll.h>}: accepted by epoll_ctl, never reported for sockets. */
    static final int EPOLLMSG = 0x400;
    private static final Class<?> EPOLL_CHANNEL;
    private static final MethodHandle SET_FLAG;

    static {
        Class<?> c = null;
        MethodHandle h = null;
        try {
            c = Class.forName("io.netty.channel.epoll.AbstractEpollChannel");
            h = MethodHandles.privateLookupIn(c, MethodHandles.lookup())
                    .findVirtual(c, "setFlag", MethodType.methodType(void.class, int.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.debug("epoll interest workaround not available: {}", e.toString());
            c = null;
            h = null;
        }
        EPOLL_CHANNEL = c;
        SET_FLAG = h;
    }

    private EpollInterest() {
    }

    /** Whether {@link #keepRegistered} works with this Netty: TCP flows may use epoll only then. */
    static boolean available() {
        return SET_FLAG != null;
    }

    /**
     * Keeps {@code ch}'s fd in epoll until it closes (no-op for a non-epoll channel). Call on the channel's event
     * loop once it is registered, e.g. from {@code channelActive}.
     *
     * @throws IllegalStateException if the interest set cannot be changed (then the channel must not be used)
     */
    static void keepRegistered(Channel ch) {
        if (EPOLL_CHANNEL == null || !EPOLL_CHANNEL.isInstance(ch)) {
            return;
        }
        try {
            SET_FLAG.invoke(ch, EPOLLMSG);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot keep " + ch + " registered with epoll: " + t, t);
        }
    }
}
