package io.smsrouter.server.it;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.ssl.SslConfiguration;
import com.cloudhopper.smpp.type.SmppBindException;
import io.netty.channel.nio.NioEventLoopGroup;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cloudhopper's SMPP client (ch-smpp, an implementation we did not write) as the router's
 * customer: binds sessions and closes them all at the end of a test.
 */
public final class ChClient implements AutoCloseable {
    private final NioEventLoopGroup group;
    private final ScheduledExecutorService monitor;
    private final DefaultSmppClient client;
    private final List<ChSession> sessions = new ArrayList<>();

    @SuppressWarnings("deprecation") // ch-smpp's constructor takes the NIO group, deprecated in Netty 4.2
    public ChClient() {
        this.group = new NioEventLoopGroup(2);
        this.monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ch-smpp-monitor");
            t.setDaemon(true);
            return t;
        });
        this.client = new DefaultSmppClient(group, monitor);
    }

    /** A bound session; throws {@link SmppBindException} when the router refuses the bind. */
    public ChSession bind(InetSocketAddress router, SmppBindType type, String systemId, String password, int window)
            throws Exception {
        return bind(router, type, systemId, password, window, null);
    }

    /** The same over TLS with cloudhopper's own SSL set-up when {@code ssl} is not null. */
    public ChSession bind(InetSocketAddress router, SmppBindType type, String systemId, String password, int window,
                   SslConfiguration ssl) throws Exception {
        SmppSessionConfiguration c = new SmppSessionConfiguration(type, systemId, password);
        c.setName(systemId + "-" + type + "-" + sessions.size());
        c.setHost(router.getHostString());
        c.setPort(router.getPort());
        c.setWindowSize(window);
        c.setInterfaceVersion(SmppConstants.VERSION_3_4);
        c.setConnectTimeout(5_000);
        c.setBindTimeout(5_000);
        c.setWindowWaitTimeout(60_000);
        // a request unanswered this long is reported as expired (and fails the test that counts them)
        c.setRequestExpiryTimeout(60_000);
        c.setWindowMonitorInterval(5_000);
        c.setCountersEnabled(false);
        c.getLoggingOptions().setLogPdu(false);
        c.getLoggingOptions().setLogBytes(false);
        if (ssl != null) {
            c.setUseSsl(true);
            c.setSslConfiguration(ssl);
        }
        ChSession.Handler handler = new ChSession.Handler();
        SmppSession s = client.bind(c, handler);
        ChSession session = new ChSession(s, handler);
        synchronized (sessions) {
            sessions.add(session);
        }
        return session;
    }

    public ChSession bindTransceiver(InetSocketAddress router) throws Exception {
        return bind(router, SmppBindType.TRANSCEIVER, ItConfig.ACCOUNT, ItConfig.PASSWORD, 100);
    }

    /** The command_status of the bind_resp when the router refuses the bind; fails if it is accepted. */
    public int bindFailureStatus(InetSocketAddress router, SmppBindType type, String systemId, String password)
            throws Exception {
        try {
            ChSession s = bind(router, type, systemId, password, 1);
            s.close();
            throw new AssertionError("bind of '" + systemId + "' was accepted, expected a refusal");
        } catch (SmppBindException e) {
            return e.getBindResponse().getCommandStatus();
        }
    }

    @Override
    public void close() {
        synchronized (sessions) {
            for (ChSession s : sessions) {
                s.close();
            }
            sessions.clear();
        }
        monitor.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }
}
