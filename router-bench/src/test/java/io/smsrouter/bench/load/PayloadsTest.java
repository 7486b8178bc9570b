package io.smsrouter.bench.load;

import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.TlvTag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadsTest {

    @Test
    void shouldMakeExactlyThePercentageOfEachHundredUcs2() {
        for (int p = 0; p <= 100; p++) {
            int n = 0;
            for (long i = 0; i < 1000; i++) {
                if (Payloads.isUcs2(i, p)) {
                    n++;
                }
            }
            assertThat(n).as("percent %d", p).isEqualTo(p * 10);
        }
    }

    @Test
    void shouldPutTheTextInShortMessageOrInMessagePayloadBeyond254Octets() {
        SmPdu shortLatin = new Payloads(40, true).newSubmit(false);
        assertThat(shortLatin.shortMessage()).hasSize(40);
        assertThat(shortLatin.dataCoding()).isZero();
        assertThat(shortLatin.registeredDelivery()).isEqualTo(1);

        SmPdu ucs2 = new Payloads(100, false).newSubmit(true);
        assertThat(ucs2.shortMessage()).hasSize(200);
        assertThat(ucs2.dataCoding()).isEqualTo(8);
        assertThat(ucs2.registeredDelivery()).isZero();

        SmPdu longUcs2 = new Payloads(200, true).newSubmit(true);
        assertThat(longUcs2.shortMessage()).isEmpty();
        assertThat(longUcs2.tlv(TlvTag.MESSAGE_PAYLOAD).value()).hasSize(400);
    }
}
