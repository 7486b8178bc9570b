package io.smsrouter.core.moderation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class StopWordListTest {

    @Test
    void shouldReadEntriesCategoriesAndComments() {
        StopWordList list = StopWordList.parse("words.txt", """
                # a comment
                before
                
                # category: casino
                казино
                  =bet\t
                # another comment, the category goes on
                финансовая пирамида
                #category:Credit Stuff
                кредит
                """);
        assertThat(list.entries()).extracting(StopWordList.Entry::text, StopWordList.Entry::category,
                StopWordList.Entry::line, StopWordList.Entry::wholeWord, StopWordList.Entry::word).containsExactly(
                tuple("before", "default", 2, false, "before"),
                tuple("казино", "casino", 5, false, "казино"),
                tuple("=bet", "casino", 6, true, "bet"),
                tuple("финансовая пирамида", "casino", 8, false, "финансовая пирамида"),
                tuple("кредит", "Credit Stuff", 10, false, "кредит"));
        assertThat(list.source()).isEqualTo("words.txt");
    }

    @Test
    void shouldDropDuplicateLinesKeepingTheFirst() {
        StopWordList list = StopWordList.parse("w", "# category: a\nказино\n# category: b\nказино\n=казино\n");
        assertThat(list.entries()).extracting(StopWordList.Entry::text, StopWordList.Entry::category)
                .containsExactly(tuple("казино", "a"), tuple("=казино", "b"));
    }

    @Test
    void shouldAcceptWindowsLineEndsAndABom() {
        StopWordList list = StopWordList.parse("w", "\uFEFF# category: x\r\nказино\r\n=bet\r\n");
        assertThat(list.entries()).extracting(StopWordList.Entry::text).containsExactly("казино", "=bet");
    }

    @Test
    void shouldRefuseAnEqualsSignAloneNamingTheLine() {
        assertThatThrownBy(() -> StopWordList.parse("conf/stopwords.txt", "казино\n\n=\n"))
                .isInstanceOf(StopWordFormatException.class)
                .hasMessage("conf/stopwords.txt:3: \"=\" without a word after it")
                .satisfies(e -> {
                    StopWordFormatException f = (StopWordFormatException) e;
                    assertThat(f.source()).isEqualTo("conf/stopwords.txt");
                    assertThat(f.line()).isEqualTo(3);
                });
    }

    @Test
    void shouldRefuseAnEntryThatNormalizesToNothing() {
        assertThatThrownBy(() -> StopWordList.parse("w.txt", "ok\n...\n"))
                .isInstanceOf(StopWordFormatException.class)
                .hasMessage("w.txt:2: entry \"...\" normalizes to nothing (only punctuation, symbols or invisible chars)");
        assertThatThrownBy(() -> StopWordList.parse("w.txt", "=\u200b\u00ad\n"))
                .hasMessageStartingWith("w.txt:1: entry \"=\u200b\u00ad\" normalizes to nothing");
    }

    @Test
    void shouldRefuseAnEntryLongerThan64Chars() {
        String ok = "а".repeat(64);
        assertThat(StopWordList.parse("w", "=" + ok).entries()).hasSize(1);
        assertThatThrownBy(() -> StopWordList.parse("w.txt", "казино\n" + ok + "б"))
                .isInstanceOf(StopWordFormatException.class)
                .hasMessage("w.txt:2: entry \"аааааааааааааааааааа…\" is 65 chars long, at most 64 allowed");
    }

    @Test
    void shouldRefuseACategoryWithoutAName() {
        assertThatThrownBy(() -> StopWordList.parse("w.txt", "# category: a\nx1\n# category:   \ny1\n"))
                .isInstanceOf(StopWordFormatException.class)
                .hasMessage("w.txt:3: category line without a name");
    }

    @Test
    void shouldRefuseInvalidUtf8NamingTheLine() {
        byte[] bytes = "# category: a\nказино\nbad\n".getBytes(StandardCharsets.UTF_8);
        byte[] broken = new byte[bytes.length + 1];
        int at = "# category: a\nказино\nba".getBytes(StandardCharsets.UTF_8).length;
        System.arraycopy(bytes, 0, broken, 0, at);
        broken[at] = (byte) 0xC3; // a lead byte followed by 'd', not a continuation byte
        System.arraycopy(bytes, at, broken, at + 1, bytes.length - at);
        assertThatThrownBy(() -> StopWordList.parse("w.txt", broken))
                .isInstanceOf(StopWordFormatException.class)
                .hasMessage("w.txt:3: invalid UTF-8 (byte 0xC3 at offset " + at + ")");
    }

    @Test
    void shouldLoadAFileNamingItInErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("stop.txt");
        Files.writeString(file, "# category: x\nказино\n");
        assertThat(StopWordList.load(file).entries()).extracting(StopWordList.Entry::text).containsExactly("казино");
        Files.writeString(file, "# category: x\n=\n");
        assertThatThrownBy(() -> StopWordList.load(file)).hasMessage(file + ":2: \"=\" without a word after it");
    }

    @Test
    void shouldParseTheShippedList() throws IOException {
        StopWordList list = StopWordList.load(Path.of("../conf/stopwords.txt"));
        assertThat(list.entries()).extracting(StopWordList.Entry::category).contains("casino", "credit", "drugs",
                "banks", "tobacco", "alcohol", "weapons", "pyramid");
        assertThat(StopWordAutomaton.build(list).size()).isEqualTo(list.size());
    }
}
