package io.headroom.proxy.http;

import io.netty.channel.Channel;
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
}
