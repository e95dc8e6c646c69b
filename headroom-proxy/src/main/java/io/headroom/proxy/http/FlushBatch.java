package io.headroom.proxy.http;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;

/**
 * Flushes put off to the end of the event loop's current batch of I/O events, so that an event loop that read
 * from many connections in one wake-up sends on all of them in one burst afterwards (as HAProxy does), instead of
 * one send between every two reads.
 *
 * <p>Why: on loopback, and on any machine where the peers share the CPUs, a send wakes the peer that waits for
 * it. Sends spread between reads find the peers asleep again and again (an inter-processor wake-up each, and a
 * preemption of the event loop when the peer wakes on its CPU); a burst of sends wakes each peer once. Measured
 * with {@code bench/run.sh}'s keep-alive scenario (see BENCHMARKS.md).
 *
 * <p>The deferred flush runs as an event-loop task: Netty runs tasks after it has handled every ready I/O event
 * of the current wake-up, so nothing waits longer than the rest of that batch. A flush of the same channel made
 * directly in the meantime sends the writes at once; the deferred one then finds nothing left. Callers must not
 * close the channel without flushing (a close drops unflushed writes): the deferral is for the keep-alive paths
 * only.
 *
 * <p>Event loop only: one instance per event-loop thread, no locks.
 */
public final class FlushBatch implements Runnable {
    private static final FastThreadLocal<FlushBatch> PER_LOOP = new FastThreadLocal<>() {
        @Override
        protected FlushBatch initialValue() {
            return new FlushBatch();
        }
    };

    private final ArrayDeque<Channel> pending = new ArrayDeque<>(64);
    private boolean scheduled;

    private FlushBatch() {
    }

    /** Flushes {@code channel} once the event loop has handled the rest of its current batch of I/O events. */
    public static void flushSoon(Channel channel) {
        PER_LOOP.get().add(channel);
    }

    private void add(Channel channel) {
        if (pending.peekLast() == channel) {
            return; // e.g. a request's upstream: once when it is sent, again at the end of the client's read batch
        }
        pending.add(channel);
        if (!scheduled) {
            scheduled = true;
            channel.eventLoop().execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        Channel c;
        while ((c = pending.poll()) != null) {
            c.flush();
        }
    }
}
