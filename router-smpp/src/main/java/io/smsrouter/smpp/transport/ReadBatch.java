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
            log.error("{}: journal append failed; closing the connection without answering its last requests",
                    who, e);
            ctx.close();
            return false;
        }
    }
}
