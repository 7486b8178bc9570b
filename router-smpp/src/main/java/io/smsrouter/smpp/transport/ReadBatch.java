package io.smsrouter.smpp.transport;

import io.netty.channel.ChannelHandlerContext;
import io.smsrouter.core.engine.Engine;
import org.slf4j.Logger;

/**
 * One connection's read batch as an engine batch (shared/ARCHITECTURE.md: one journal append and
 * one flush per read batch): opened by the first PDU of a read, ended before the batch's responses
 * are flushed. Owned by the connection's event loop.
 */
public final class ReadBatch {
    private final Engine engine;
    private boolean open;

    public ReadBatch(Engine engine) {
        this.engine = engine;
    }

    /** Called for each PDU read; opens the batch on the first. */
    public void begin() {
        if (!open) {
            open = true;
            engine.beginBatch();
        }
    }

    /** Whether a batch is open (between the first PDU of a read and its end). */
    public boolean isOpen() {
        return open;
    }

    /**
     * Journals the batch without waiting for the cluster ({@link Engine#endBatchAsync}): the
     * returned future says when the batch's responses may go. Null when the journal failed: the
     * connection is then closed, as by {@link #end}.
     */
    public java.util.concurrent.CompletableFuture<Void> endAsync(ChannelHandlerContext ctx, Logger log, String who) {
        if (!open) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        open = false;
        try {
            return engine.endBatchAsync();
        } catch (RuntimeException e) {
            failed(ctx, log, who, e);
            return null;
        }
    }

    private static void failed(ChannelHandlerContext ctx, Logger log, String who, RuntimeException e) {
        log.error("{}: journal append failed; closing the connection without answering its last requests",
                who, e);
        ctx.close();
    }

    /**
     * Journals the batch. Returns false when the journal failed: the connection is then closed,
     * which discards the batch's unflushed responses, so the peer gets no answer for what was not
     * kept and sends it again.
     */
    public boolean end(ChannelHandlerContext ctx, Logger log, String who) {
        if (!open) {
            return true;
        }
        open = false;
        try {
            engine.endBatch();
            return true;
        } catch (RuntimeException e) {
            failed(ctx, log, who, e);
            return false;
        }
    }
}
