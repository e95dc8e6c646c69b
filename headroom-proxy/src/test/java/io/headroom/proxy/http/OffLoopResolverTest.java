package io.headroom.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Host names of targets are looked up off the event loop: a slow lookup (a DNS server that takes its time, played
 * here by a lookup function that waits for the test, since the JDK 17 resolver cannot be pointed at a test DNS
 * server) holds up only the connection that needs it, never the loop's other work.
 */
class OffLoopResolverTest {
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService lookups = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() throws Exception {
        lookups.shutdownNow();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private Bootstrap bootstrap(OffLoopResolver resolver) {
        return new Bootstrap().group(loop).channel(NioSocketChannel.class).resolver(resolver)
                .handler(new ChannelInboundHandlerAdapter());
    }

    @Test
    void aSlowLookupHoldsUpOnlyItsOwnConnect() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        List<String> askedOn = new CopyOnWriteArrayList<>();
        OffLoopResolver resolver = new OffLoopResolver(host -> {
            askedOn.add(host + " on " + Thread.currentThread().getName());
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new UnknownHostException("interrupted");
            }
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        }, lookups);
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ChannelFuture connect = bootstrap(resolver).connect("app.slow.test", target.getLocalPort());
            // While the name is looked up, the event loop goes on with its other work.
            String loopThread = loop.next().submit(() -> Thread.currentThread().getName()).get(2, TimeUnit.SECONDS);
            assertThat(connect.isDone()).isFalse();
            answer.countDown();
            assertThat(connect.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(connect.isSuccess()).as(String.valueOf(connect.cause())).isTrue();
            assertThat(askedOn).singleElement().asString().startsWith("app.slow.test on ").doesNotContain(loopThread);
            connect.channel().close().sync();
        }
    }

    @Test
    void ipLiteralsNeedNoLookupAndUnknownNamesFailTheConnect() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        OffLoopResolver resolver = new OffLoopResolver(host -> {
            asked.add(host);
            throw new UnknownHostException(host + ": no such host");
        }, lookups);
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ChannelFuture byIp = bootstrap(resolver).connect("127.0.0.1", target.getLocalPort()).await();
            assertThat(byIp.isSuccess()).isTrue();
            byIp.channel().close().sync();
            ChannelFuture byName = bootstrap(resolver).connect("nowhere.test", target.getLocalPort()).await();
            assertThat(byName.isSuccess()).isFalse();
            assertThat(byName.cause()).isInstanceOf(UnknownHostException.class).hasMessageContaining("nowhere.test");
        }
        assertThat(asked).containsExactly("nowhere.test");
    }
}
