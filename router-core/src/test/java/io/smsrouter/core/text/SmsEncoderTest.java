package io.smsrouter.core.text;

import io.smsrouter.core.moderation.MessageText;
import io.smsrouter.core.text.SmsEncoder.Concat;
import io.smsrouter.core.text.SmsEncoder.Encoded;
import io.smsrouter.core.text.SmsEncoder.Part;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SmsEncoderTest {
    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, a surrogate pair
    private static final String CYRILLIC_D = "д";

    private static String repeat(String s, int n) {
        return s.repeat(n);
    }

    static Stream<Arguments> texts() {
        return Stream.of(
                // name, text, data_coding, UDH8 segments
                arguments("empty", "", 0, 1),
                arguments("160 GSM", repeat("a", 160), 0, 1),
                arguments("161 GSM", repeat("a", 161), 0, 2),
                arguments("306 GSM", repeat("a", 306), 0, 2),
                arguments("307 GSM", repeat("a", 307), 0, 3),
                arguments("70 Cyrillic", repeat(CYRILLIC_D, 70), 8, 1),
                arguments("71 Cyrillic", repeat(CYRILLIC_D, 71), 8, 2),
                arguments("134 Cyrillic", repeat(CYRILLIC_D, 134), 8, 2),
                arguments("135 Cyrillic", repeat(CYRILLIC_D, 135), 8, 3),
                arguments("80 euro = 160 septets", repeat("€", 80), 0, 1),
                arguments("81 euro = 162 septets", repeat("€", 81), 0, 2),
                arguments("80 brace = 160 septets", repeat("{", 80), 0, 1),
                arguments("81 brace", repeat("{", 81), 0, 2),
                arguments("159 a + euro = 161 septets", repeat("a", 159) + "€", 0, 2),
                // 152 + 2 would be 154: the escape moves whole, 152 | 2+152 | 2 → 3 parts instead of 2
                arguments("extension at septet 153", repeat("a", 152) + "[" + repeat("b", 152), 0, 3),
                arguments("extension ends at septet 153", repeat("a", 151) + "[" + repeat("b", 153), 0, 2),
                // 153*2 septets, all escapes: 76 per part (152 septets), so 153 € need 3 parts
                arguments("153 euro", repeat("€", 153), 0, 3),
                arguments("emoji alone", EMOJI, 8, 1),
                arguments("68 a + emoji = 70 units", repeat("a", 68) + EMOJI, 8, 1),
                arguments("69 a + emoji = 71 units", repeat("a", 69) + EMOJI, 8, 2),
                arguments("66 a + emoji straddling 67, 133 units", repeat("a", 66) + EMOJI + repeat("b", 65), 8, 2),
                // 134 units would fit 2 × 67, but the pair moves whole: 66 | 2+65 | 1
                arguments("66 a + emoji straddling 67, 134 units", repeat("a", 66) + EMOJI + repeat("b", 66), 8, 3),
                arguments("134 units of emoji", repeat(EMOJI, 67), 8, 3),
                arguments("Latin + one Cyrillic", "Hello world, привет? no: " + repeat("x", 50) + "й", 8, 2),
                arguments("Latin + one Cyrillic, short", "Hello й", 8, 1),
                arguments("capital C cedilla is GSM", "Ça va", 0, 1),
                arguments("small c cedilla is not", "ça va", 8, 1),
                arguments("backtick is not GSM", "`", 8, 1),
                arguments("bare ESC is not GSM", "a\u001Bb", 8, 1),
                arguments("form feed and backslash", "a\fb\\c", 0, 1),
                arguments("Greek capitals are GSM", "ΔΦΓΛΩΠΨΣΘΞ", 0, 1),
                arguments("Greek small is not", "αβγ", 8, 1),
                arguments("lone high surrogate", "a\uD83Db", 8, 1),
                arguments("CRLF", "line1\r\nline2", 0, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void shouldPickCodingAndSegmentsAndDecodeBackToTheInput(String name, String text, int dataCoding,
                                                            int segments) {
        for (Concat concat : Concat.values()) {
            Encoded e = SmsEncoder.encode(text, concat, 0xBEEF);
            assertThat(e.dataCoding()).as("%s %s", name, concat).isEqualTo(dataCoding);
            assertThat(e.gsm()).isEqualTo(dataCoding == 0);
            assertThat(e.segments()).isEqualTo(e.parts().size());
            assertThat(SmsEncoder.segments(text, concat)).isEqualTo(e.segments());
            assertWellFormed(text, e, concat, 0xBEEF);
        }
        assertThat(SmsEncoder.encode(text, Concat.UDH8, 1).segments()).as(name).isEqualTo(segments);
        assertThat(SmsEncoder.segments(text)).as(name).isEqualTo(segments);
    }

    @Test
    void shouldSendEmptyTextAsOnePartOfZeroBytes() {
        Encoded e = SmsEncoder.encode("", Concat.SAR, 7);
        assertThat(e.parts()).hasSize(1);
        Part p = e.parts().get(0);
        assertThat(p.shortMessage()).isEmpty();
        assertThat(p.esmClass()).isZero();
        assertThat(p.optionalParameters()).isEmpty();
        assertThat(e.dataCoding()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Concat.class)
    void shouldSendASinglePartWithoutHeaderOrTlvs(Concat concat) {
        Encoded e = SmsEncoder.encode("Hi €", concat, 42);
        assertThat(e.parts()).hasSize(1);
        Part p = e.parts().get(0);
        assertThat(p.shortMessage()).containsExactly('H', 'i', ' ', 0x1B, 0x65);
        assertThat(p.esmClass()).isZero();
        assertThat(p.optionalParameters()).isEmpty();

        Part ucs2 = SmsEncoder.encode("Hé ç" + EMOJI, concat, 42).parts().get(0);
        assertThat(ucs2.shortMessage()).containsExactly(0, 'H', 0, 0xE9, 0, ' ', 0, 0xE7, 0xD8, 0x3D, 0xDE, 0x00);
        assertThat(ucs2.esmClass()).isZero();
    }

    @Test
    void shouldMoveAnExtensionCharAtSeptet153WholeToTheNextPart() {
        String text = repeat("a", 152) + "{" + "tail" + repeat("z", 10);
        Encoded e = SmsEncoder.encode(text, Concat.UDH8, 9);
        assertThat(e.segments()).isEqualTo(2);
        byte[] first = e.parts().get(0).shortMessage();
        byte[] second = e.parts().get(1).shortMessage();
        assertThat(first).hasSize(6 + 152);
        assertThat(first[first.length - 1]).isEqualTo((byte) 'a');
        assertThat(Arrays.copyOfRange(second, 6, second.length)).startsWith(0x1B, 0x28, 't', 'a', 'i', 'l');
    }

    @Test
    void shouldNeverSplitASurrogatePair() {
        String text = repeat("a", 66) + EMOJI + "more text after the emoji";
        Encoded e = SmsEncoder.encode(text, Concat.UDH8, 9);
        assertThat(e.dataCoding()).isEqualTo(8);
        assertThat(e.segments()).isEqualTo(2);
        assertThat(e.parts().get(0).shortMessage()).hasSize(6 + 2 * 66);
        byte[] second = e.parts().get(1).shortMessage();
        assertThat(Arrays.copyOfRange(second, 6, 10)).containsExactly(0xD8, 0x3D, 0xDE, 0x00);

        // UDH16: 66 units per part, so the pair straddles at 65|66
        Encoded e16 = SmsEncoder.encode(repeat("a", 65) + EMOJI + repeat("b", 10), Concat.UDH16, 9);
        assertThat(e16.parts().get(0).shortMessage()).hasSize(7 + 2 * 65);
    }

    @Test
    void shouldWriteUdh8WithLowByteOfReferenceTotalAndSequence() {
        Encoded e = SmsEncoder.encode(repeat("x", 400), Concat.UDH8, 0x1234);
        assertThat(e.segments()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            Part p = e.parts().get(i);
            assertThat(p.esmClass()).isEqualTo(0x40);
            assertThat(p.optionalParameters()).isEmpty();
            assertThat(Arrays.copyOf(p.shortMessage(), 6)).containsExactly(0x05, 0x00, 0x03, 0x34, 3, i + 1);
        }
        assertThat(e.parts().get(0).shortMessage()).hasSize(6 + 153);
        assertThat(e.parts().get(2).shortMessage()).hasSize(6 + 400 - 306);
    }

    @Test
    void shouldWriteUdh16WithBothReferenceBytesAndCut152Septets() {
        Encoded e = SmsEncoder.encode(repeat("x", 305), Concat.UDH16, 0xABCD);
        assertThat(e.segments()).isEqualTo(3); // 2 with UDH8: 152*2 = 304 < 305 <= 306
        assertThat(SmsEncoder.segments(repeat("x", 305))).isEqualTo(2);
        for (int i = 0; i < 3; i++) {
            Part p = e.parts().get(i);
            assertThat(p.esmClass()).isEqualTo(0x40);
            assertThat(Arrays.copyOf(p.shortMessage(), 7)).containsExactly(0x06, 0x08, 0x04, 0xAB, 0xCD, 3, i + 1);
        }
        assertThat(e.parts().get(0).shortMessage()).hasSize(7 + 152);

        Encoded u = SmsEncoder.encode(repeat(CYRILLIC_D, 133), Concat.UDH16, 1);
        assertThat(u.segments()).isEqualTo(3); // 66 per part; UDH8 would need 2
        assertThat(u.parts().get(0).shortMessage()).hasSize(7 + 2 * 66);
    }

    @Test
    void shouldWriteSarTlvsAndNoHeader() {
        Encoded e = SmsEncoder.encode(repeat(CYRILLIC_D, 135), Concat.SAR, 0x0102);
        assertThat(e.segments()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            Part p = e.parts().get(i);
            assertThat(p.esmClass()).isZero();
            assertThat(p.optionalParameters()).containsExactly(
                    0x02, 0x0C, 0x00, 0x02, 0x01, 0x02,
                    0x02, 0x0E, 0x00, 0x01, 3,
                    0x02, 0x0F, 0x00, 0x01, i + 1);
        }
        assertThat(e.parts().get(0).shortMessage()).hasSize(2 * 67);
        assertThat(e.parts().get(0).shortMessage()[0]).isEqualTo((byte) 0x04); // д = U+0434, no UDH
        assertThat(e.parts().get(2).shortMessage()).hasSize(2);
    }

    @Test
    void shouldAllow255PartsAndRejectMore() {
        assertThat(SmsEncoder.encode(repeat("a", 153 * 255), Concat.UDH8, 1).segments()).isEqualTo(255);
        assertThat(SmsEncoder.encode(repeat(CYRILLIC_D, 67 * 255), Concat.SAR, 1).segments()).isEqualTo(255);
        assertThat(SmsEncoder.segments(repeat("a", 153 * 255 + 1))).isEqualTo(256);

        assertThatThrownBy(() -> SmsEncoder.encode(repeat("a", 153 * 255 + 1), Concat.UDH8, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256").hasMessageContaining("at most 255");
        assertThatThrownBy(() -> SmsEncoder.encode(repeat(CYRILLIC_D, 66 * 255 + 1), Concat.UDH16, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UCS-2");
    }

    @Test
    void shouldAgreeWithEncodeOnRandomMixedTexts() {
        String[] pieces = {"a", "b", " ", "€", "{", "\\", "\n", "Ç", "ç", "д", EMOJI, "\uD83D"};
        Random random = new Random(20240613);
        for (int round = 0; round < 3000; round++) {
            StringBuilder sb = new StringBuilder();
            boolean gsmOnly = random.nextBoolean();
            int n = random.nextInt(500);
            for (int i = 0; i < n; i++) {
                sb.append(pieces[random.nextInt(gsmOnly ? 7 : pieces.length)]);
            }
            String text = sb.toString();
            int reference = random.nextInt(0x10000);
            for (Concat concat : Concat.values()) {
                Encoded e = SmsEncoder.encode(text, concat, reference);
                assertThat(SmsEncoder.segments(text, concat)).isEqualTo(e.segments());
                assertWellFormed(text, e, concat, reference);
            }
            assertThat(SmsEncoder.segments(text)).isEqualTo(SmsEncoder.encode(text, Concat.UDH8, 0).segments());
        }
    }

    /**
     * Each part fits one SMS (140 octets with GSM packed 7 bits), carries the right header, holds
     * no half escape or half surrogate pair at its ends, and the parts decode back to the input.
     */
    private static void assertWellFormed(String text, Encoded e, Concat concat, int reference) {
        int total = e.segments();
        assertThat(total).isBetween(1, 255);
        StringBuilder decoded = new StringBuilder();
        for (int i = 0; i < total; i++) {
            Part p = e.parts().get(i);
            byte[] sm = p.shortMessage();
            decoded.append(MessageText.toString(e.dataCoding(), p.esmClass(), sm, p.optionalParameters()));
            int header = 0;
            if (total == 1) {
                assertThat(p.esmClass()).isZero();
                assertThat(p.optionalParameters()).isEmpty();
            } else if (concat == Concat.SAR) {
                assertThat(p.esmClass()).isZero();
                assertThat(p.optionalParameters()).containsExactly(0x02, 0x0C, 0, 2, reference >>> 8 & 0xFF,
                        reference & 0xFF, 0x02, 0x0E, 0, 1, total, 0x02, 0x0F, 0, 1, i + 1);
            } else {
                assertThat(p.esmClass()).isEqualTo(0x40);
                header = concat == Concat.UDH8 ? 6 : 7;
                byte[] udh = concat == Concat.UDH8
                        ? new byte[] {5, 0, 3, (byte) reference, (byte) total, (byte) (i + 1)}
                        : new byte[] {6, 8, 4, (byte) (reference >>> 8), (byte) reference, (byte) total,
                                (byte) (i + 1)};
                assertThat(Arrays.copyOf(sm, header)).isEqualTo(udh);
            }
            int payload = sm.length - header;
            if (e.dataCoding() == 0) {
                int limit = total == 1 ? 160 : concat.gsmSeptetsPerPart();
                assertThat(payload).isLessThanOrEqualTo(limit);
                assertThat(header * 8 + payload * 7).isLessThanOrEqualTo(140 * 8);
                assertThat(payload == 0 || sm[sm.length - 1] != 0x1B).as("ESC cut from its code").isTrue();
            } else {
                int limit = total == 1 ? 70 : concat.ucs2UnitsPerPart();
                assertThat(payload % 2).isZero();
                assertThat(payload / 2).isLessThanOrEqualTo(limit);
                assertThat(header + payload).isLessThanOrEqualTo(140);
                if (i + 1 < total) {
                    String next = MessageText.toString(8, p.esmClass(), e.parts().get(i + 1).shortMessage(), null);
                    char last = (char) ((sm[sm.length - 2] & 0xFF) << 8 | (sm[sm.length - 1] & 0xFF));
                    assertThat(Character.isHighSurrogate(last) && Character.isLowSurrogate(next.charAt(0)))
                            .as("surrogate pair split after part %d", i + 1).isFalse();
                }
            }
        }
        assertThat(decoded.toString()).isEqualTo(text);
    }
}
