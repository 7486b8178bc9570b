package io.smsrouter.smpp.upstream;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.engine.OperatorQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The router's connection to one operator: {@code binds} transceiver binds that share the
 * operator's queue, each pulling messages while it has room in its window.
 */
public final class OperatorConnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperatorConnector.class);

    private final OperatorSettings settings;
    /** Bind i in slot i; a slot is empty (null) in cluster mode while another node owns that share. */
    private final UpstreamBind[] binds;
    private final boolean tls;
    private final Engine engine;
    private final OperatorQueue queue;
    private final EventLoopGroup group;
    private final SslContext tlsContext;
    private final boolean shares;
    private volatile boolean started;

    public OperatorConnector(OperatorSettings settings, Engine engine, EventLoopGroup group) {
        this(settings, engine, group, null);
    }

    /**
     * With {@code tls} (a client context, see {@code TlsContexts.client}) every bind connects over
     * TLS; null: plain TCP.
     */
    public OperatorConnector(OperatorSettings settings, Engine engine, EventLoopGroup group, SslContext tls) {
        this(settings, engine, group, tls, false);
    }

    /**
     * With {@code shares} (cluster mode) no bind runs until {@link #own} names the shares of the
     * operator this node holds: bind i serves share i, at the rate of one bind.
     */
    public OperatorConnector(OperatorSettings settings, Engine engine, EventLoopGroup group, SslContext tls,
                             boolean shares) {
        this.settings = settings;
        this.tls = tls != null;
        this.engine = engine;
        this.group = group;
        this.tlsContext = tls;
        this.shares = shares;
        this.queue = engine.operatorQueue(settings.id());
        if (queue == null) {
            throw new IllegalArgumentException("no queue for operator " + settings.id());
        }
        this.binds = new UpstreamBind[settings.binds()];
        if (!shares) {
            for (int i = 0; i < binds.length; i++) {
                binds[i] = new UpstreamBind(settings, i, engine, queue, group, tls);
            }
        }
    }

    public synchronized void start() {
        started = true;
        if (shares) {
            log.info("operator {}: up to {} binds to {}:{}{}, window {}, as many as this node holds shares of",
                    settings.id(), settings.binds(), settings.host(), settings.port(), tls ? " over TLS" : "",
                    settings.window());
        } else {
            log.info("operator {}: {} binds to {}:{}{}, window {}", settings.id(), settings.binds(), settings.host(),
                    settings.port(), tls ? " over TLS" : "", settings.window());
        }
        for (UpstreamBind b : binds) {
            if (b != null) {
                b.start();
            }
        }
    }

    /**
     * Cluster mode: runs the binds of the shares in {@code owned} (0 to binds - 1) and stops the
     * others: each stops taking at once, and is closed when its outstanding requests are answered
     * (or after {@code drainMs}). Returns when those are closed, so that the node that takes a share
     * over never binds while the old bind is still up (the operator's bind count holds).
     */
    public void own(java.util.Set<Integer> owned, long drainMs) {
        List<UpstreamBind> released = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < binds.length; i++) {
                if (owned.contains(i) && binds[i] == null) {
                    binds[i] = new UpstreamBind(settings, i, engine, queue, group, tlsContext);
                    if (started) {
                        binds[i].start();
                    }
                } else if (!owned.contains(i) && binds[i] != null) {
                    released.add(binds[i]);
                    binds[i] = null;
                }
            }
        }
        released.forEach(UpstreamBind::stopTaking);
        long deadline = System.currentTimeMillis() + drainMs;
        for (UpstreamBind b : released) {
            while (b.outstandingCount() > 0 && System.currentTimeMillis() < deadline) {
                sleep(5);
            }
            b.close();
        }
        long closed = System.currentTimeMillis() + 1_000;
        for (UpstreamBind b : released) {
            while (b.isBound() && System.currentTimeMillis() < closed) {
                sleep(5);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Shares this node holds now (cluster mode), or every bind. */
    public synchronized java.util.Set<Integer> owned() {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        for (int i = 0; i < binds.length; i++) {
            if (binds[i] != null) {
                out.add(i);
            }
        }
        return out;
    }

    public OperatorSettings settings() {
        return settings;
    }

    public String id() {
        return settings.id();
    }

    public int boundCount() {
        int n = 0;
        for (UpstreamBind b : binds) {
            if (b != null && b.isBound()) {
                n++;
            }
        }
        return n;
    }

    /** Binds configured (bound or not). */
    public int bindCount() {
        return binds.length;
    }

    /** Whether bind {@code i} is bound now. */
    public boolean bound(int i) {
        UpstreamBind b = binds[i];
        return b != null && b.isBound();
    }

    /** submit_sm sent on bind {@code i} and not answered yet (at most {@link #window}). */
    public int outstanding(int i) {
        UpstreamBind b = binds[i];
        return b == null ? 0 : b.outstandingCount();
    }

    /** The window of each bind: submit_sm that may be unanswered at once. */
    public int window() {
        return settings.window();
    }

    public int outstanding() {
        int n = 0;
        for (UpstreamBind b : binds) {
            if (b != null) {
                n += b.outstandingCount();
            }
        }
        return n;
    }

    /**
     * The messages the binds have sent and the operator not yet answered (for retention, which
     * journals them again before old files go). Throws when a bind's event loop does not answer
     * within {@code timeoutMs}, so that nothing is deleted on a partial picture.
     */
    public java.util.List<io.smsrouter.core.engine.Engine.InFlight> inFlight(long timeoutMs) {
        java.util.List<java.util.concurrent.CompletableFuture<java.util.List<io.smsrouter.core.message.Message>>> fs =
                new java.util.ArrayList<>();
        for (UpstreamBind b : binds) {
            if (b != null) {
                fs.add(b.inFlight());
            }
        }
        java.util.List<io.smsrouter.core.engine.Engine.InFlight> out = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (java.util.concurrent.CompletableFuture<java.util.List<io.smsrouter.core.message.Message>> f : fs) {
            try {
                for (io.smsrouter.core.message.Message m : f.get(Math.max(0, deadline - System.nanoTime()),
                        java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    out.add(new io.smsrouter.core.engine.Engine.InFlight(settings.id(), m));
                }
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("operator " + settings.id() + ": a bind did not list its "
                        + "unanswered messages within " + timeoutMs + " ms", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while listing unanswered messages", e);
            }
        }
        return out;
    }

    /** Waits up to {@code waitMs} for outstanding requests to be answered, then unbinds. */
    @Override
    public void close() {
        close(2000);
    }

    public void close(long waitMs) {
        List<UpstreamBind> live = new ArrayList<>();
        synchronized (this) {
            for (UpstreamBind b : binds) {
                if (b != null) {
                    live.add(b);
                }
            }
        }
        live.forEach(UpstreamBind::stopTaking);
        long deadline = System.currentTimeMillis() + waitMs;
        while (outstanding() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        live.forEach(UpstreamBind::close);
    }
}
