package io.smsrouter.smpp.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the SMPP decoder (SmppFrameDecoder and SmppPduCodec) with Jazzer.
 *
 * <p>In every build this replays the inputs under
 * {@code src/test/resources/io/smsrouter/smpp/fuzz/SmppDecoderFuzzTestInputs/decodeArbitraryBytes/}:
 * {@code spec-*} (the hand-written SMPP 3.4 vectors), {@code valid-*}, {@code malformed-*} (one per
 * README status), {@code stream-*}, and {@code finding-*}, inputs fuzzing found, minimised, each with
 * a named test in {@link FuzzFindingsTest}. With {@code JAZZER_FUZZ=1} ({@code scripts/fuzz}) it
 * mutates them for as long as it is allowed to and writes an input that breaks an invariant into the
 * same directory as {@code crash-<sha1>}. The invariants are in {@link DecoderCheck}; scripts/fuzz gives
 * the mutator the tokens in {@code smpp.dict} (not {@code @DictionaryFile}, which Jazzer would write
 * out again, with a log line, for every replayed input of every build).
 */
class SmppDecoderFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void decodeArbitraryBytes(byte[] data) {
        DecoderCheck.check(data);
    }
}
