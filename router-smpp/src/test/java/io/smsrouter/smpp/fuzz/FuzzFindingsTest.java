package io.smsrouter.smpp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.Pdu;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every input that broke a fuzz target's invariant, minimised, with the exact answer SMPP 3.4 and the
 * README call for. The same bytes stay in the target's Jazzer inputs directory as {@code finding-*},
 * where the fuzz test replays them in every build; each test here checks that they are still there.
 */
class FuzzFindingsTest {

    private static final String SESSION_INPUTS = "SmppSessionFuzzTestInputs/sessionAnswersEveryRequest/";

    private static SessionCheck session;

    @BeforeAll
    static void startEngine() {
        session = new SessionCheck();
    }

    @AfterAll
    static void stopEngine() {
        session.close();
    }

    /**
     * The handler closed the connection on any unbind_resp, also one answering no unbind of ours: a
     * stray response cut the client off with its requests in flight. A response to nothing sent is
     * ignored (the session goes on); only the answer to the router's own unbind ends it.
     */
    @Test
    void shouldIgnoreAnUnbindRespToNoUnbindAndAnswerWhatFollows() {
        byte[] in = kept(SESSION_INPUTS + "finding-unbind-resp-never-asked-for",
                "00000010 80000006 00000000 00000001" // unbind_resp, seq 1: the router sent no unbind
                        + "00000010 00000015 00000000 00000002"); // enquire_link, seq 2

        SessionCheck.Outcome out = session.check(in);

        assertThat(out.written()).singleElement().satisfies(p -> answer(p, CommandId.ENQUIRE_LINK_RESP, 2,
                CommandStatus.ESME_ROK));
        assertThat(out.open()).isTrue();
    }

    /**
     * After a command_length under 16 the router answers generic_nack, unbinds and closes, as the README
     * says; its unbind carried sequence_number 0, outside SMPP 3.4's 0x00000001 to 0x7FFFFFFF (section
     * 5.1.4). It now takes the session's next number like every request the router sends.
     */
    @Test
    void shouldUnbindWithAValidSequenceNumberWhenTheFramingIsLost() {
        byte[] in = kept(SESSION_INPUTS + "finding-unbind-after-lost-framing-has-sequence-0",
                "00000008 00000015 00000000 00000007"); // command_length 8: shorter than the header

        SessionCheck.Outcome out = session.check(in);

        assertThat(out.written()).satisfiesExactly(
                nack -> answer(nack, CommandId.GENERIC_NACK, 0, CommandStatus.ESME_RINVCMDLEN),
                unbind -> answer(unbind, CommandId.UNBIND, 1, CommandStatus.ESME_ROK));
        assertThat(out.open()).isFalse();
    }

    /**
     * Since a read batch's responses are kept until the batch is journaled (and, in a cluster,
     * confirmed), an unbind's response waited in the batch while the requests after it in the same
     * read were still handled: a generic_nack followed the unbind_resp. Nothing read after an unbind
     * is handled now; the connection closes after the unbind_resp. The fuzzer's input is kept as found.
     */
    @Test
    void shouldHandleNothingAfterAnUnbindInTheSameRead() {
        byte[] in = kept(SESSION_INPUTS + "finding-nothing-handled-after-an-unbind-in-the-same-read-min",
                "00000010 00000006 00000000 00000001" // unbind, seq 1
                        + "00000010 00000015 00000000 00000002"); // enquire_link, seq 2, after it

        SessionCheck.Outcome out = session.check(in);

        assertThat(out.written()).first().satisfies(p -> answer(p, CommandId.UNBIND_RESP, 1,
                CommandStatus.ESME_ROK));
        assertThat(out.written()).noneMatch(p -> p.commandId() == CommandId.ENQUIRE_LINK_RESP);
        assertThat(out.open()).isFalse();
    }

    private static void answer(Pdu p, int commandId, int seq, int status) {
        assertThat(CommandId.name(p.commandId())).isEqualTo(CommandId.name(commandId));
        assertThat(p.sequenceNumber()).as("sequence_number").isEqualTo(seq);
        assertThat(CommandStatus.name(p.commandStatus())).isEqualTo(CommandStatus.name(status));
    }

    /** The bytes of {@code hex}, after checking that the fuzz target's inputs directory keeps them. */
    private static byte[] kept(String resource, String hex) {
        byte[] bytes = ByteBufUtil.decodeHexDump(hex.replaceAll("\\s", ""));
        try (InputStream in = FuzzFindingsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            assertThat(in.readAllBytes()).as(resource).isEqualTo(bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes;
    }
}
