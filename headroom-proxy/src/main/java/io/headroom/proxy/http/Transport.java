package io.headroom.proxy.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket transport, one event loop group for all: io_uring when the kernel offers it (Linux 5.14+ and not
 * disabled, e.g. by {@code kernel.io_uring_disabled} or a container's seccomp profile), else native epoll (Linux),
 * else NIO.
 *
 * <p>Why io_uring first: on the keep-alive benchmark the proxy's cost is mostly the kernel's, and with epoll every
 * read and every write is a system call of its own; io_uring submits a whole batch of them in one call and the
 * event loop sleeps less often. {@code bench/run.sh} measured it (BENCHMARKS.md). The system property
 * {@value #PROPERTY} ({@code io_uring}, {@code epoll} or {@code nio}, e.g. through {@code HEADROOM_JAVA_OPTS})
 * picks one; an unavailable choice falls back in the same order, with a warning.
 */
public record Transport(EventLoopGroup group, Class<? extends ServerChannel> serverChannel,
                        Class<? extends Channel> socketChannel) {
    private static final Logger log = LoggerFactory.getLogger(Transport.class);
    /** The system property that picks the transport. */
    public static final String PROPERTY = "headroom.transport";

    /** @param threads event loops; 0 = one per core */
    public static Transport create(int threads) {
        return create(threads, System.getProperty(PROPERTY, ""));
    }

    /**
     * @param threads event loops; 0 = one per core
     * @param choice  {@code io_uring}, {@code epoll}, {@code nio}, or empty for the best available
     * @throws IllegalArgumentException naming the property when {@code choice} is none of these
     */
    public static Transport create(int threads, String choice) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        DefaultThreadFactory tf = new DefaultThreadFactory("headroom-io", true);
        String c = choice.trim().toLowerCase(java.util.Locale.ROOT);
        if (!c.isEmpty() && !c.equals("io_uring") && !c.equals("epoll") && !c.equals("nio")) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + choice
                    + ": unknown transport (io_uring, epoll or nio)");
        }
        if (c.isEmpty() || c.equals("io_uring")) {
            if (IoUring.isAvailable()) {
                return new Transport(new MultiThreadIoEventLoopGroup(n, tf, IoUringIoHandler.newFactory()),
                        IoUringServerSocketChannel.class, IoUringSocketChannel.class);
            }
            if (c.equals("io_uring")) {
                log.warn("io_uring is not available here ({}); using {}", IoUring.unavailabilityCause(),
                        Epoll.isAvailable() ? "epoll" : "NIO");
            }
        }
        if (!c.equals("nio")) {
            if (Epoll.isAvailable()) {
                return new Transport(new MultiThreadIoEventLoopGroup(n, tf, EpollIoHandler.newFactory()),
                        EpollServerSocketChannel.class, EpollSocketChannel.class);
            }
            if (c.equals("epoll")) {
                log.warn("epoll is not available here ({}); using NIO", Epoll.unavailabilityCause());
            }
        }
        return new Transport(new MultiThreadIoEventLoopGroup(n, tf, NioIoHandler.newFactory()),
                NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** The transport's name: {@code io_uring}, {@code epoll} or {@code nio}. */
    public String name() {
        if (socketChannel == IoUringSocketChannel.class) {
            return "io_uring";
        }
        return socketChannel == EpollSocketChannel.class ? "epoll" : "nio";
    }

    /**
     * The datagram channel type of this transport (UDP listeners of network load balancers and their flows' upstream
     * sockets): io_uring, epoll or NIO, like the socket channels.
     */
    public Class<? extends DatagramChannel> datagramChannel() {
        if (socketChannel == IoUringSocketChannel.class) {
            return IoUringDatagramChannel.class;
        }
        return socketChannel == EpollSocketChannel.class ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /**
     * Whether several datagram sockets of this transport can share one address and port ({@code SO_REUSEPORT}, the
     * kernel spreading datagrams over them by a hash of the sender's and receiver's addresses and ports): io_uring
     * and epoll; not NIO, whose UDP listeners keep one socket.
     */
    public boolean datagramReusePort() {
        return socketChannel != NioSocketChannel.class;
    }

    /** How many event loops the group has. */
    public int threads() {
        return group instanceof MultithreadEventExecutorGroup m ? m.executorCount() : 1;
    }

    /**
     * The socket channel type that can be registered with {@code loop} (an event loop of any of the three
     * transports), for code that is handed an event loop rather than a {@code Transport}.
     */
    public static Class<? extends Channel> socketChannelFor(EventLoop loop) {
        if (loop instanceof IoEventLoop io) {
            if (io.isCompatible(IoUringIoHandle.class)) {
                return IoUringSocketChannel.class;
            }
            if (io.isCompatible(EpollIoHandle.class)) {
                return EpollSocketChannel.class;
            }
        }
        return NioSocketChannel.class;
    }

    /**
     * Binds a listening socket on this transport. Accepted connections start with auto-read off (the handlers
     * read when they can write on) and TCP_NODELAY, and are handed to {@code initClient}.
     *
     * @param name             how errors name the listener, e.g. "listener" or "listener TCP"
     * @param allowHalfClosure keep a connection open after the peer shut down its output (TCP pass-through)
     * @return the bound server channel
     * @throws IllegalStateException naming the address when the bind fails
     */
    public Channel bind(String name, String address, int port, boolean allowHalfClosure, Consumer<Channel> initClient) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        initClient.accept(ch);
                    }
                });
        if (allowHalfClosure) {
            b.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        ChannelFuture f = b.bind(address, port).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IllegalStateException(name + " " + address + ":" + port + ": cannot bind: "
                    + f.cause().getMessage(), f.cause());
        }
        return f.channel();
    }
}
