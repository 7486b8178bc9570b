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
    private final List<UpstreamBind> binds = new ArrayList<>();
    private final boolean tls;

    public OperatorConnector(OperatorSettings settings, Engine engine, EventLoopGroup group) {
        this(settings, engine, group, null);
    }

    /**
     * With {@code tls} (a client context, see {@code TlsContexts.client}) every bind connects over
     * TLS; null: plain TCP.
     */
    public OperatorConnector(OperatorSettings settings, Engine engine, EventLoopGroup group, SslContext tls) {
        this.settings = settings;
        this.tls = tls != null;
        OperatorQueue queue = engine.operatorQueue(settings.id());
        if (queue == null) {
            throw new IllegalArgumentException("no queue for operator " + settings.id());
        }
        for (int i = 0; i < settings.binds(); i++) {
            binds.add(new UpstreamBind(settings, i, engine, queue, group, tls));
        }
    }

    public void start() {
        log.info("operator {}: {} binds to {}:{}{}, window {}", settings.id(), settings.binds(), settings.host(),
                settings.port(), tls ? " over TLS" : "", settings.window());
        binds.forEach(UpstreamBind::start);
    }

    public String id() {
        return settings.id();
    }

    public int boundCount() {
        int n = 0;
        for (UpstreamBind b : binds) {
            if (b.isBound()) {
                n++;
            }
        }
        return n;
    }

    /** Binds configured (bound or not). */
    public int bindCount() {
        return binds.size();
    }

    /** Whether bind {@code i} is bound now. */
    public boolean bound(int i) {
        return binds.get(i).isBound();
    }

    /** submit_sm sent on bind {@code i} and not answered yet (at most {@link #window}). */
    public int outstanding(int i) {
        return binds.get(i).outstandingCount();
    }

    /** The window of each bind: submit_sm that may be unanswered at once. */
    public int window() {
        return settings.window();
    }

    public int outstanding() {
        int n = 0;
        for (UpstreamBind b : binds) {
            n += b.outstandingCount();
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
            fs.add(b.inFlight());
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
        binds.forEach(UpstreamBind::stopTaking);
        long deadline = System.currentTimeMillis() + waitMs;
        while (outstanding() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        binds.forEach(UpstreamBind::close);
    }
}
