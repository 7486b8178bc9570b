package io.smsrouter.http;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> vars(Object[] row) {
        return (Map<String, Object>) row[1];
    }

    @Test
    void quotedFieldsCrlfAndAByteOrderMark() {
        List<Object[]> r = Csv.recipients("\uFEFFto,name,note\r\n79161234567,\"Ann, Jr.\",\"said \"\"hi\"\"\r\nthen left\"\r\n"
                + "\r\n+79161234568,Bob,\r\n", 10);
        assertThat(r).hasSize(2);
        assertThat(r.get(0)[0]).isEqualTo("79161234567");
        assertThat(vars(r.get(0))).containsEntry("name", "Ann, Jr.").containsEntry("note", "said \"hi\"\r\nthen left");
        assertThat(r.get(1)[0]).isEqualTo("+79161234568");
        assertThat(vars(r.get(1))).containsEntry("name", "Bob").containsEntry("note", "");
    }

    @Test
    void onlyTheNumberColumnGivesNoVariables() {
        List<Object[]> r = Csv.recipients("TO\n79161234567", 10);
        assertThat(r).hasSize(1);
        assertThat(r.get(0)[1]).isNull();
    }

    @Test
    void badFilesAreRefusedWithTheLine() {
        assertThatThrownBy(() -> Csv.recipients("phone\n79161234567\n", 10)).hasMessageContaining("column named to");
        assertThatThrownBy(() -> Csv.recipients("to,name\n79161234567\n", 10)).hasMessageContaining("row 2");
        assertThatThrownBy(() -> Csv.recipients("to\n\"79161234567\n", 10)).hasMessageContaining("not closed");
        assertThatThrownBy(() -> Csv.recipients("", 10)).hasMessageContaining("empty");
        assertThatThrownBy(() -> Csv.recipients("to\n", 10)).hasMessageContaining("no recipients");
        assertThatThrownBy(() -> Csv.recipients("to\n1\n2\n3\n", 2)).isInstanceOf(ApiError.class)
                .hasMessageContaining("at most 2");
        assertThatThrownBy(() -> Csv.recipients("to,,x\n1,2,3\n", 2)).hasMessageContaining("column 2 has no name");
    }

    @Test
    void fieldsWeWriteAreQuotedWhenNeeded() {
        assertThat(Csv.field("A")).isEqualTo("A");
        assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.field("say \"x\"")).isEqualTo("\"say \"\"x\"\"\"");
    }
}
