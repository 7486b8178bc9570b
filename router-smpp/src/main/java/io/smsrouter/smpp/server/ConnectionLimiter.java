package io.smsrouter.smpp.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.smsrouter.core.account.FailureLimiter;
import io.smsrouter.core.account.IpKey;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission of client connections, first in the pipeline (before TLS or any decoding, so a refused
 * connection costs nothing more): at most {@code maxConnections} open at once, and at most
 * {@code maxConnectionsPerIp} from one IPv4 address or IPv6 /64. One more is closed as soon as it is
 * accepted, with nothing sent (no PDU has been read to answer), and logged: the first few per
 * address and minute, then a summary. An admitted connection is counted until it closes; then this
 * handler leaves its pipeline.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private final int maxConnections;
    private final int maxPerIp;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<IpKey, Integer> perIp = new ConcurrentHashMap<>();
    /** Used for its throttled log only: limit 0, it never blocks anyone. */
    final FailureLimiter refusals = new FailureLimiter(LoggerFactory.getLogger(ConnectionLimiter.class),
            "refused SMPP connections", "smpp.maxConnections", 0);

    ConnectionLimiter(int maxConnections, int maxPerIp) {
        this.maxConnections = maxConnections;
        this.maxPerIp = maxPerIp;
    }

    /** Connections admitted and still open. */
    int open() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress ip = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            refuse(ctx, ip, maxConnections + " connections open (smpp.maxConnections)");
            return;
        }
        IpKey key = ip == null ? null : IpKey.of(ip);
        if (key != null) {
            int[] n = new int[1];
            perIp.compute(key, (k, v) -> n[0] = v == null ? 1 : v + 1);
            if (n[0] > maxPerIp) {
                release(key);
                refuse(ctx, ip, maxPerIp + " connections open from this address (smpp.maxConnectionsPerIp)");
                return;
            }
        }
        ctx.channel().closeFuture().addListener(f -> release(key));
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    private void release(IpKey key) {
        open.decrementAndGet();
        if (key != null) {
            perIp.computeIfPresent(key, (k, v) -> v <= 1 ? null : v - 1);
        }
    }

    private void refuse(ChannelHandlerContext ctx, InetAddress ip, String why) {
        refusals.recordFailure(ip, "closed at accept: " + why);
        ctx.close();
    }
}
