package io.smsrouter.core.template;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Rendering one compiled template from many threads; its speed is measured in router-bench (JMH), not here. */
class TemplateConcurrencyTest {
    private static final String SOURCE = "{if vip}Уважаемый{else}Здравствуйте,{end} {name | default:\"клиент\"}! "
            + "Заказ №{id}: {qty | plural:\"товар\",\"товара\",\"товаров\"} на {price * qty | money:\"RUB\"} "
            + "({price * qty | money_words}). Доставка {due | date:\"dd.MM.yyyy HH:mm\"}.";

    private static List<Map<String, Object>> recipients(int count) {
        List<Map<String, Object>> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(Map.of("vip", i % 7 == 0, "name", "Клиент " + i, "id", 100_000 + i, "qty", i % 30 + 1,
                    "price", new BigDecimal("199.90"), "due", 1_709_670_600_000L + i * 60_000L));
        }
        return list;
    }

    @Test
    void shouldRenderTheSameTemplateFromManyThreads() throws Exception {
        Template t = Template.compile("shared", SOURCE);
        List<Map<String, Object>> recipients = recipients(2_000);
        RenderContext ctx = RenderContext.of(ZoneId.of("Asia/Vladivostok"));
        List<String> expected = new ArrayList<>();
        for (Map<String, Object> r : recipients) {
            expected.add(t.render(r, ctx));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < recipients.size(); i++) {
                        if (!t.render(recipients.get(i), ctx).equals(expected.get(i))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(expected.get(1)).isEqualTo("Здравствуйте, Клиент 1! Заказ №100001: 2 товара на 399,80\u00a0₽ "
                + "(триста девяносто девять рублей 80 копеек). Доставка 06.03.2024 06:31.");
    }
}
