package io.smsrouter.smpp.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.smsrouter.core.account.FailureLimiter;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.smpp.codec.SmppEncoder;
import io.smsrouter.smpp.codec.SmppFrameDecoder;
import io.smsrouter.smpp.transport.SmppTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The client-facing SMPP 3.4 listener: ESMEs (aggregators, shops, OTP services) bind here and
 * submit. Each connection is first admitted by a {@link ConnectionLimiter} (connections in total and
 * per address), then gets a {@link ClientSessionHandler} on its event loop; failed binds are
 * counted per address across connections.
 *
 * <p>Optionally a second listener speaks SMPP over TLS ({@link #startTls}): the same pipeline,
 * admission and session handler behind an {@code SslHandler}, so a TLS session is admitted, bound,
 * throttled and routed exactly like a plain one; a bind there can be pinned to a client
 * certificate per account.
 */
public final class SmppServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmppServer.class);

    private final SmppServerSettings settings;
    private final Engine engine;
    private final EventLoopGroup group;
    private final ChannelGroup sessions = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel listener;
    private Channel tlsListener;
    private final ConnectionLimiter admission;
    /** Failed binds per address, shared by every session so a client cannot reset it by reconnecting. */
    private final FailureLimiter bindFailures;
    private ScheduledFuture<?> sweeper;

    public SmppServer(SmppServerSettings settings, Engine engine, EventLoopGroup group) {
        this.settings = settings;
        this.engine = engine;
        this.group = group;
        this.admission = new ConnectionLimiter(settings.maxConnections(), settings.maxConnectionsPerIp());
        this.bindFailures = ClientSessionHandler.bindFailureLimiter(settings);
    }

    /** Client connections open now (admitted, bound or not). */
    public int openConnections() {
        return admission.open();
    }

    public InetSocketAddress start() throws InterruptedException {
        listener = listen(settings.host(), settings.port(), null);
        // ended windows of the per-address counters go, with their summaries in the log
        sweeper = group.scheduleAtFixedRate(() -> {
            bindFailures.sweep();
            admission.refusals.sweep();
        }, FailureLimiter.WINDOW_MS, FailureLimiter.WINDOW_MS, TimeUnit.MILLISECONDS);
        InetSocketAddress addr = (InetSocketAddress) listener.localAddress();
        log.info("SMPP listening on {}:{}", addr.getHostString(), addr.getPort());
        return addr;
    }

    /** The SMPP-over-TLS listener on {@code host:port}: admission, then TLS, then the same SMPP pipeline. */
    public InetSocketAddress startTls(String host, int port, SslContext tls) throws InterruptedException {
        tlsListener = listen(host, port, tls);
        InetSocketAddress addr = (InetSocketAddress) tlsListener.localAddress();
        log.info("SMPP over TLS listening on {}:{}", addr.getHostString(), addr.getPort());
        return addr;
    }

    private Channel listen(String host, int port, SslContext tls) throws InterruptedException {
        return SmppTransport.server(group)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        sessions.add(ch);
                        int idleSec = Math.max(1, settings.idleTimeoutMs() / 1000);
                        int enquireSec = Math.max(1, settings.enquireLinkIntervalMs() / 1000);
                        // admission first: a connection over the limits costs no TLS handshake
                        ch.pipeline().addLast("admission", admission);
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(idleSec, enquireSec, 0, TimeUnit.SECONDS))
                                .addLast("frame", new SmppFrameDecoder(settings.maxPduLength()))
                                .addLast("encoder", new SmppEncoder())
                                .addLast("session", new ClientSessionHandler(settings, engine, bindFailures));
                    }
                })
                .bind(host, port).sync().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Stops accepting, then asks every bound client to unbind and waits briefly for them to go. */
    public void stopAccepting() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        if (tlsListener != null) {
            tlsListener.close().syncUninterruptibly();
        }
    }

    public void unbindAll(long waitMs) {
        for (Channel ch : sessions) {
            ClientSessionHandler h = ch.pipeline().get(ClientSessionHandler.class);
            if (h != null) {
                ch.eventLoop().execute(h::unbindForShutdown);
            }
        }
        long deadline = System.currentTimeMillis() + waitMs;
        while (!sessions.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        sessions.close().awaitUninterruptibly(1000);
    }

    @Override
    public void close() {
        stopAccepting();
        unbindAll(2000);
    }
}
