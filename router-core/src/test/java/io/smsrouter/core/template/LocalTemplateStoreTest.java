package io.smsrouter.core.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalTemplateStoreTest {
    @TempDir
    Path dir;

    @Test
    void shouldKeepTemplatesAcrossInstances() {
        LocalTemplateStore first = new LocalTemplateStore(dir);
        first.put("order.created", "Заказ {id} на {sum | money:\"RUB\"}");
        first.put("promo-1", "Hello {name}");
        first.put("promo-1", "Hi {name}");
        first.put("gone", "x");
        assertThat(first.remove("gone")).isTrue();
        assertThat(first.remove("gone")).isFalse();

        LocalTemplateStore second = new LocalTemplateStore(dir);
        assertThat(second.all()).extracting(Template::name).containsExactly("order.created", "promo-1");
        assertThat(second.get("promo-1").orElseThrow().render(Map.of("name", "Ann"))).isEqualTo("Hi Ann");
        assertThat(second.get("order.created").orElseThrow().source()).isEqualTo("Заказ {id} на {sum | money:\"RUB\"}");
        assertThat(second.get("gone")).isEmpty();
    }

    @Test
    void shouldWriteOneFileATemplateAndLeaveNoTemporaryFile() throws IOException {
        new LocalTemplateStore(dir).put("a_b", "x");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a_b.tpl");
        }
        assertThat(Files.readString(dir.resolve("a_b.tpl"))).isEqualTo("x");
    }

    @Test
    void shouldRejectBadNames() {
        LocalTemplateStore store = new LocalTemplateStore(dir);
        for (String bad : new String[] {"", "a/b", "../x", "with space", "имя", "a".repeat(65), null}) {
            assertThatThrownBy(() -> store.put(bad, "x")).as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must match [A-Za-z0-9_.-]{1,64}");
        }
        assertThat(store.put("A-z_0.9".repeat(10).substring(0, 64), "x").name()).hasSize(64);
        assertThat(store.remove("../x")).isFalse();
    }

    @Test
    void shouldStoreNothingWhenTheSourceDoesNotCompile() {
        LocalTemplateStore store = new LocalTemplateStore(dir);
        store.put("t", "ok");
        assertThatThrownBy(() -> store.put("t", "{if x}"))
                .isInstanceOf(TemplateException.class)
                .hasMessage("template \"t\": line 1, column 1: {if} is never closed with {end}");
        assertThat(store.get("t").orElseThrow().source()).isEqualTo("ok");
        assertThat(new LocalTemplateStore(dir).get("t").orElseThrow().source()).isEqualTo("ok");
    }

    @Test
    void shouldNameABadFileAtLoad() throws IOException {
        Path file = dir.resolve("broken.tpl");
        Files.writeString(file, "line one\nand {n | plurl:\"a\",\"b\"}");
        assertThatThrownBy(() -> new LocalTemplateStore(dir))
                .isInstanceOf(TemplateException.class)
                .hasMessage("template \"" + file + "\": line 2, column 10: unknown filter \"plurl\" (did you mean \"plural\"?)");
    }

    @Test
    void shouldNameAFileThatIsNotUtf8OrHasABadName() throws IOException {
        Path latin1 = dir.resolve("latin1.tpl");
        Files.write(latin1, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> new LocalTemplateStore(dir)).hasMessage("template \"" + latin1 + "\": not UTF-8 text");
        Files.delete(latin1);

        Path badName = dir.resolve("with space.tpl");
        Files.writeString(badName, "x");
        assertThatThrownBy(() -> new LocalTemplateStore(dir)).isInstanceOf(TemplateException.class)
                .hasMessageContaining(badName.toString()).hasMessageContaining("is not a template name");
    }

    @Test
    void shouldIgnoreALeftoverTemporaryFile() throws IOException {
        Files.writeString(dir.resolve("t.tpl.tmp"), "{half");
        assertThat(new LocalTemplateStore(dir).all()).isEmpty();
    }
}
