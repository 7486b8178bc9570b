package io.smsrouter.cluster;

import com.cloudhopper.smpp.SmppBindType;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.smsrouter.cluster.ClusterBalanceTest.UNIT;
import static io.smsrouter.cluster.ClusterBalanceTest.figures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 with {@code refundUndelivered}: the receipt of a message is matched on the node that
 * owns the operator's share, which is often not the node that accepted (and charged) it. Two nodes
 * on a real Kafka broker and PostgreSQL, one operator bind (so one node matches every receipt), a
 * jsmpp operator that answers UNDELIV for some texts: every undelivered message is refunded and
 * every delivered one spent, whichever node accepted it, so the database's spent is exactly the
 * delivered ones.
 */
class ClusterRefundTest {
    @TempDir
    Path dir;

    @Test
    void undeliveredMessagesAreRefundedWhereverTheirReceiptWasMatched() throws Exception {
        Path prices = dir.resolve("prices.csv");
        Files.writeString(prices, "*,*,*,1.00\n");
        try (KafkaTestCluster kafka = KafkaTestCluster.start(1);
             PgTestServer pg = PgTestServer.start();
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw").receiptsOnAnyBind()
                     .undeliverableWhen(t -> t.startsWith("undeliv"));
             ChClient clients = new ChClient();
             Router r1 = node("r1", kafka, pg, smsc, prices);
             Router r2 = node("r2", kafka, pg, smsc, prices)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> r1.clusterView().shares().stream()
                    .allMatch(s -> s.owner() != null));
            String owner = r1.clusterView().shares().get(0).owner();
            ChSession a = clients.bind(r1.smppAddress(), SmppBindType.TRANSCEIVER, "shop", "secret1", 16);
            ChSession b = clients.bind(r2.smppAddress(), SmppBindType.TRANSCEIVER, "shop", "secret1", 16);
            for (int i = 0; i < 10; i++) {
                for (ChSession s : new ChSession[]{a, b}) {
                    String tag = s == a ? "r1" : "r2";
                    assertThat(s.submitText("Shop", "791655500" + i, "undeliv " + tag + " " + i, 1)
                            .getCommandStatus()).isZero();
                    assertThat(s.submitText("Shop", "791666600" + i, "fine " + tag + " " + i, 1)
                            .getCommandStatus()).isZero();
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> smsc.receiptsSent() >= 40);
            System.out.printf("cluster refund: 40 messages through r1 and r2, every receipt matched on %s, "
                    + "20 undelivered%n", owner);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                long[] f = figures(pg);
                assertThat(f[3]).as("spent and reserved in the database: the 20 delivered, none undelivered")
                        .isEqualTo(20 * UNIT);
                assertThat(f[4]).as("balance").isEqualTo(80 * UNIT);
            });
            assertThat(r1.engine().billing().balance("shop").reserved()).as("r1 has nothing reserved").isZero();
            assertThat(r2.engine().billing().balance("shop").reserved()).as("r2 has nothing reserved").isZero();
        }
    }

    private Router node(String id, KafkaTestCluster kafka, PgTestServer pg, JsmppSmsc smsc, Path prices)
            throws Exception {
        String yaml = """
                smpp: {host: 127.0.0.1, port: 0}
                http: {host: 127.0.0.1, port: 0}
                journal: {dir: %s}
                accounts:
                  - {id: shop, password: secret1, apiKey: k-shop-1, moderation: none, maxBinds: 8, balance: 100.00}
                billing: {prices: %s, refundUndelivered: true}
                operators:
                  - {id: opA, host: 127.0.0.1, port: %d, systemId: router, password: routerpw, binds: 1}
                routes:
                  - operators: [opA]
                simulator: {enabled: false}
                cluster:
                  nodeId: %s
                  kafka: {bootstrap: "%s", topicPrefix: refund}
                  ack: replicated
                  postgres: {url: "%s", user: %s, password: "%s"}
                """.formatted(dir.resolve("journal-" + id), prices, smsc.port(), id, kafka.bootstrap(), pg.url(),
                pg.user(), pg.password());
        return new Router(ConfigLoader.parse(yaml, dir.resolve(id + ".yaml"), dir)).start();
    }
}
