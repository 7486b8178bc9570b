package io.smsrouter.smpp.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of a whole client session: arbitrary bytes into the server's pipeline with
 * the real ClientSessionHandler over a real Engine, only valid SMPP answers out (see
 * {@link SessionCheck}).
 *
 * <p>Every build replays
 * {@code src/test/resources/io/smsrouter/smpp/fuzz/SmppSessionFuzzTestInputs/sessionAnswersEveryRequest/}:
 * binds with the test accounts followed by every request, texts in each data_coding, malformed PDUs,
 * responses to nothing, and {@code finding-*}, inputs that broke an invariant, minimised, each with a
 * named test in {@link FuzzFindingsTest}. {@code scripts/fuzz} fuzzes it; a new finding lands there as
 * {@code crash-<sha1>}.
 */
class SmppSessionFuzzTest {

    private static SessionCheck session;

    @BeforeAll
    static void startEngine() {
        session = new SessionCheck();
    }

    @AfterAll
    static void stopEngine() {
        session.close();
    }

    @FuzzTest(maxDuration = "5m")
    void sessionAnswersEveryRequest(byte[] data) {
        session.check(data);
    }
}
