package io.smsrouter.core.moderation;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MessageTextTest {
    private static final byte[] NONE = new byte[0];

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static String text(int dataCoding, int esmClass, byte[] shortMessage, byte[] tlvs) {
        char[] dst = new char[1024];
        int n = MessageText.decode(dataCoding, esmClass, shortMessage, tlvs, dst);
        String s = new String(dst, 0, n);
        assertThat(MessageText.toString(dataCoding, esmClass, shortMessage, tlvs)).isEqualTo(s);
        return s;
    }

    @Test
    void shouldDecodeGsmDefaultAlphabetOneSeptetPerByte() {
        // "Hello @£$ Δ_ß É¤¡ ÄÖÑÜ§ ¿äöñüà è\n" as GSM 03.38 septets, from the table
        byte[] sm = bytes(0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x20, 0x00, 0x01, 0x02, 0x20, 0x10, 0x11, 0x1E, 0x20,
                0x1F, 0x24, 0x40, 0x20, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F, 0x20, 0x60, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F,
                0x20, 0x04, 0x0A);
        assertThat(text(0, 0, sm, NONE)).isEqualTo("Hello @£$ Δ_ß É¤¡ ÄÖÑÜ§ ¿äöñüà è\n");
    }

    @Test
    void shouldDecodeTheGsmEscapeTable() {
        // € [ ] { } ~ \ ^ | each as 0x1B then its code
        byte[] sm = bytes(0x1B, 0x65, 0x1B, 0x3C, 0x1B, 0x3E, 0x1B, 0x28, 0x1B, 0x29, 0x1B, 0x3D, 0x1B, 0x2F,
                0x1B, 0x14, 0x1B, 0x40);
        assertThat(text(0, 0, sm, NONE)).isEqualTo("€[]{}~\\^|");
    }

    @Test
    void shouldShowTheBaseCharForAnUndefinedEscapeAndASpaceForATrailingOne() {
        assertThat(text(0, 0, bytes(0x1B, 0x41, 0x62), NONE)).isEqualTo("Ab");
        assertThat(text(0, 0, bytes(0x61, 0x1B), NONE)).isEqualTo("a ");
        assertThat(text(0, 0, bytes(0x1B, 0x1B, 0x61), NONE)).isEqualTo(" a");
    }

    @Test
    void shouldReadGsmForTheMessageClassCodingsWithoutTheEightBitFlag() {
        byte[] sm = bytes(0x63, 0x61, 0x73, 0x00);
        assertThat(text(0xF0, 0, sm, NONE)).isEqualTo("cas@");
        assertThat(text(0xF3, 0, sm, NONE)).isEqualTo("cas@");
        assertThat(text(0xF4, 0, bytes(0x63, 0xE9), NONE)).isEqualTo("cé");
        assertThat(text(0xF6, 0, bytes(0x63, 0xE9), NONE)).isEqualTo("cé");
    }

    @Test
    void shouldDecodeIa5Latin1AndBinaryAsLatin1() {
        assertThat(text(1, 0, "casino".getBytes(StandardCharsets.US_ASCII), NONE)).isEqualTo("casino");
        assertThat(text(3, 0, bytes(0x63, 0x61, 0x66, 0xE9), NONE)).isEqualTo("café");
        assertThat(text(2, 0, "casino".getBytes(StandardCharsets.ISO_8859_1), NONE)).isEqualTo("casino");
        assertThat(text(4, 0, "casino".getBytes(StandardCharsets.ISO_8859_1), NONE)).isEqualTo("casino");
        assertThat(text(0x11, 0, bytes(0xC0), NONE)).isEqualTo("À");
    }

    @Test
    void shouldDecodeUcs2AsUtf16BigEndianDroppingAnOddLastByte() {
        byte[] utf16 = "Привет 😀".getBytes(StandardCharsets.UTF_16BE);
        assertThat(text(8, 0, utf16, NONE)).isEqualTo("Привет 😀");
        byte[] odd = new byte[utf16.length + 1];
        System.arraycopy(utf16, 0, odd, 0, utf16.length);
        odd[utf16.length] = 0x04;
        assertThat(text(8, 0, odd, NONE)).isEqualTo("Привет 😀");
    }

    @Test
    void shouldSkipTheUserDataHeaderWhenUdhiIsSet() {
        byte[] udh = bytes(0x05, 0x00, 0x03, 0xA7, 0x02, 0x01); // concatenation, ref 0xA7, part 1 of 2
        byte[] body = "казино".getBytes(StandardCharsets.UTF_16BE);
        byte[] sm = new byte[udh.length + body.length];
        System.arraycopy(udh, 0, sm, 0, udh.length);
        System.arraycopy(body, 0, sm, udh.length, body.length);
        assertThat(text(8, 0x40, sm, NONE)).isEqualTo("казино");
        assertThat(text(0, 0x43, bytes(0x02, 0x70, 0x00, 0x63, 0x61), NONE)).isEqualTo("ca");
    }

    @Test
    void shouldScanEverythingWhenTheHeaderLengthIsBeyondTheMessage() {
        byte[] sm = bytes(0x20, 0x63, 0x61, 0x73);
        assertThat(text(3, 0x40, sm, NONE)).isEqualTo(" cas");
        assertThat(text(3, 0x40, bytes(0x00), NONE)).isEmpty(); // a header of length 0 and nothing after
    }

    @Test
    void shouldReadTheMessagePayloadWhenTheShortMessageIsEmpty() {
        byte[] value = "casino".getBytes(StandardCharsets.US_ASCII);
        byte[] tlvs = new byte[6 + 4 + value.length];
        // user_message_reference (0x0204), length 2, then message_payload (0x0424)
        System.arraycopy(bytes(0x02, 0x04, 0x00, 0x02, 0x00, 0x07, 0x04, 0x24, 0x00, value.length), 0, tlvs, 0, 10);
        System.arraycopy(value, 0, tlvs, 10, value.length);
        assertThat(text(1, 0, NONE, tlvs)).isEqualTo("casino");
        assertThat(text(1, 0, null, tlvs)).isEqualTo("casino");
        // the short message wins when it has text
        assertThat(text(1, 0, "hi".getBytes(StandardCharsets.US_ASCII), tlvs)).isEqualTo("hi");
    }

    @Test
    void shouldSkipAHeaderInsideThePayload() {
        byte[] tlvs = bytes(0x04, 0x24, 0x00, 0x06, 0x03, 0x00, 0x01, 0x05, 0x63, 0x61);
        assertThat(text(1, 0x40, NONE, tlvs)).isEqualTo("ca");
    }

    @Test
    void shouldCutAPayloadRunningPastTheEndAndIgnoreTrailingJunk() {
        assertThat(text(1, 0, NONE, bytes(0x04, 0x24, 0x00, 0x50, 0x63, 0x61))).isEqualTo("ca");
        assertThat(text(1, 0, NONE, bytes(0x02, 0x04, 0x00, 0x50, 0x04, 0x24, 0x00, 0x01, 0x63))).isEmpty();
        assertThat(text(1, 0, NONE, bytes(0x02, 0x04, 0x00))).isEmpty();
        assertThat(text(1, 0, NONE, bytes(0x04, 0x24, 0x00))).isEmpty();
        assertThat(text(1, 0, null, null)).isEmpty();
    }

    @Test
    void shouldTruncateToTheDestination() {
        char[] dst = new char[3];
        assertThat(MessageText.decode(0, 0, bytes(0x61, 0x62, 0x63, 0x64), NONE, dst)).isEqualTo(3);
        assertThat(new String(dst)).isEqualTo("abc");
        assertThat(MessageText.decode(8, 0, "abcd".getBytes(StandardCharsets.UTF_16BE), NONE, dst)).isEqualTo(3);
        assertThat(MessageText.decode(3, 0, bytes(0x61, 0x62, 0x63, 0x64), NONE, dst)).isEqualTo(3);
        assertThat(MessageText.decode(0, 0, bytes(0x61, 0x62, 0x1B, 0x65), NONE, dst)).isEqualTo(3);
        assertThat(new String(dst)).isEqualTo("ab€");
    }

    @Test
    void shouldFindStopWordsInBinaryDisguisedText() {
        StopWordAutomaton a = StopWordAutomaton.build(StopWordList.parse("t", "казино\ncasino"));
        char[] buf = new char[256];
        int n = MessageText.decode(4, 0, "c a s i n o".getBytes(StandardCharsets.ISO_8859_1), NONE, buf);
        assertThat(a.matches(buf, 0, n)).isTrue();
        n = MessageText.decode(8, 0, "к.а.з.и.н.о".getBytes(StandardCharsets.UTF_16BE), NONE, buf);
        assertThat(a.matches(buf, 0, n)).isTrue();
    }
}
