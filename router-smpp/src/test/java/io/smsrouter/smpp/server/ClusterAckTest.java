package io.smsrouter.smpp.server;

import io.netty.channel.embedded.EmbeddedChannel;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.HeaderOnlyPdu;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.Pdu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.smsrouter.smpp.server.EmbeddedSession.submit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * In cluster mode with {@code ack: replicated} a read batch's responses wait for the cluster's
 * confirmation without holding the event loop (issue 11, the cluster throughput finding): the real
 * session handler and codec in an EmbeddedChannel over a real Engine and Chronicle journal, with a
 * cluster link whose confirmations the test gives. No submit_sm_resp leaves before its batch is
 * confirmed, later batches are read meanwhile, responses go out in the order of their batches, an
 * unbind is answered after them, and a batch the cluster refused closes the connection unanswered.
 */
class ClusterAckTest {
    @TempDir
    Path dir;

    Engine engine;
    EmbeddedChannel ch;
    final List<CompletableFuture<Void>> confirmations = new ArrayList<>();
    final List<Message> shipped = new ArrayList<>();
    EmbeddedSession session;

    @BeforeEach
    void start() {
        session = EmbeddedSession.open(dir, 1_000_000, e -> e.cluster(new Link(), 0));
        engine = session.engine;
        ch = session.ch;
        session.bind();
    }

    @AfterEach
    void stop() {
        session.close();
    }

    @Test
    void responsesWaitForTheirBatchAndKeepTheirOrder() {
        read(submit("first"), submit("second"));
        assertThat(confirmations).hasSize(1);
        assertThat(written()).as("nothing before the cluster confirmed").isEmpty();
        assertThat(ch.config().isAutoRead()).as("one batch of a connection waits at a time").isFalse();
        read(submit("third")); // what was already read is handled (EmbeddedChannel reads regardless)
        assertThat(confirmations).hasSize(2);
        confirmations.get(1).complete(null);
        ch.runPendingTasks();
        assertThat(written()).as("the later batch waits for the earlier one").isEmpty();
        confirmations.get(0).complete(null);
        ch.runPendingTasks();
        List<Pdu> out = written();
        assertThat(ch.config().isAutoRead()).as("reading again once nothing waits").isTrue();
        assertThat(out).extracting(Pdu::sequenceNumber).containsExactly(2, 3, 4);
        assertThat(out).allSatisfy(p -> {
            assertThat(p.commandStatus()).isZero();
            assertThat(((MessageIdRespPdu) p).messageId()).isNotEmpty();
        });
        assertThat(shipped).extracting(m -> new String(m.shortMessage(), StandardCharsets.ISO_8859_1))
                .containsExactly("first", "second", "third");

        // an unbind is answered after the responses before it, then the connection closes
        read(submit("fourth"), new HeaderOnlyPdu(CommandId.UNBIND));
        assertThat(written()).isEmpty();
        assertThat(ch.isOpen()).isTrue();
        confirmations.get(2).complete(null);
        ch.runPendingTasks();
        assertThat(written()).extracting(Pdu::commandId)
                .containsExactly(CommandId.SUBMIT_SM_RESP, CommandId.UNBIND_RESP);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aBatchTheClusterRefusedClosesTheConnectionUnanswered() {
        read(submit("kept"));
        confirmations.get(0).complete(null);
        ch.runPendingTasks();
        assertThat(written()).singleElement().satisfies(p -> assertThat(p.commandStatus()).isZero());
        read(submit("lost"));
        confirmations.get(1).completeExceptionally(new IllegalStateException("brokers away"));
        ch.runPendingTasks();
        assertThat(written()).isEmpty();
        assertThat(ch.isOpen()).isFalse();
    }

    private void read(Pdu... pdus) {
        session.read(pdus);
    }

    private List<Pdu> written() {
        return session.written();
    }

    /** A cluster whose confirmation of each flushed batch the test gives. */
    final class Link implements Engine.ClusterLink {
        @Override
        public void send(Message m, String operatorId) {
            shipped.add(m);
        }

        @Override
        public void flush() {
            throw new AssertionError("the event loop must not wait for the cluster");
        }

        @Override
        public CompletableFuture<Void> flushAsync() {
            CompletableFuture<Void> f = new CompletableFuture<>();
            confirmations.add(f);
            return f;
        }

        @Override
        public void sent(Message m, String operatorId, String upstreamId) {
        }

        @Override
        public void done(long messageId) {
        }

        @Override
        public void receipt(Receipt r) {
        }

        @Override
        public void forwarded(Receipt r) {
        }
    }
}
