package io.headroom.proxy.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.function.Consumer;

/** The socket transport: native epoll when available (Linux), NIO otherwise. One event loop group for all. */
public record Transport(EventLoopGroup group, Class<? extends ServerChannel> serverChannel,
                        Class<? extends Channel> socketChannel) {

    /** @param threads event loops; 0 = one per core */
    public static Transport create(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        DefaultThreadFactory tf = new DefaultThreadFactory("headroom-io", true);
        if (Epoll.isAvailable()) {
            IoHandlerFactory f = EpollIoHandler.newFactory();
            return new Transport(new MultiThreadIoEventLoopGroup(n, tf, f), EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
        }
        return new Transport(new MultiThreadIoEventLoopGroup(n, tf, NioIoHandler.newFactory()),
                NioServerSocketChannel.class, NioSocketChannel.class);
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
