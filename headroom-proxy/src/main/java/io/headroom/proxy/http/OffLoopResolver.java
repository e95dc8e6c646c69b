package io.headroom.proxy.http;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * How the data plane turns a target's host name into an address without blocking an event loop: IP literals (every
 * auto scaling group instance, most static targets) at once, on the loop; names with the JDK's resolver (its cache,
 * {@code /etc/hosts}, DNS) on a few daemon threads of their own, the connect going on when the answer comes back.
 * Netty's default resolver looks names up on the event loop itself, so one slow DNS answer would stall every
 * connection of that loop.
 */
public final class OffLoopResolver extends AddressResolverGroup<InetSocketAddress> {
    /** Lookups waiting for a thread; past this many a lookup fails at once (a DNS outage must not pile up work). */
    private static final int QUEUE = 1024;

    /** The data plane's: the JDK's resolver on two threads. */
    public static final OffLoopResolver INSTANCE = new OffLoopResolver(InetAddress::getAllByName, pool(2));

    /** A blocking lookup of every address of a name. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] all(String host) throws UnknownHostException;
    }

    private final Lookup lookup;
    private final Executor blocking;

    OffLoopResolver(Lookup lookup, Executor blocking) {
        this.lookup = lookup;
        this.blocking = blocking;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor loop) {
        return new InetNameResolver(loop) {
            @Override
            protected void doResolve(String host, Promise<InetAddress> promise) {
                lookUp(host, promise, all -> all[0]);
            }

            @Override
            protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
                lookUp(host, promise, Arrays::asList);
            }
        }.asAddressResolver();
    }

    private <T> void lookUp(String host, Promise<T> promise, Function<InetAddress[], T> result) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                promise.setSuccess(result.apply(new InetAddress[] {InetAddress.getByAddress(host, literal)}));
            } catch (UnknownHostException e) {
                promise.setFailure(e); // not for a literal of 4 or 16 bytes
            }
            return;
        }
        try {
            // The promise notifies its listeners (the connect) on the event loop it belongs to.
            blocking.execute(() -> {
                try {
                    promise.trySuccess(result.apply(lookup.all(host)));
                } catch (Exception e) {
                    promise.tryFailure(e);
                }
            });
        } catch (RejectedExecutionException e) {
            promise.setFailure(new UnknownHostException(host + ": too many host name lookups waiting"));
        }
    }

    private static Executor pool(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "headroom-resolver-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }
}
