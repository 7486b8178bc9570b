package io.smsrouter.cluster;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11 item 5: an account bound to two nodes at once keeps its {@code maxBinds} and its
 * {@code tps} across the cluster (the nodes tell each other their binds and the rate each is
 * offered in their heartbeats, once a second).
 */
class ClusterAccountLimitsTest {
    static final int TPS = 100;

    @TempDir
    Path dir;

    @Test
    void maxBindsAndTpsHoldAcrossTwoNodes() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start(1);
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw");
             ChClient clients = new ChClient();
             Router r1 = node("r1", kafka, smsc);
             Router r2 = node("r2", kafka, smsc)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> r1.clusterView().shares().stream()
                    .allMatch(s -> s.owner() != null));
            // maxBinds 2: one bind on each node, then a third on either is refused
            ChSession a = clients.bind(r1.smppAddress(), SmppBindType.TRANSCEIVER, "lim", "secret4", 64);
            ChSession b = clients.bind(r2.smppAddress(), SmppBindType.TRANSCEIVER, "lim", "secret4", 64);
            Thread.sleep(2500); // a heartbeat each way
            assertThatThrownBy(() -> clients.bind(r1.smppAddress(), SmppBindType.TRANSCEIVER, "lim", "secret4", 64))
                    .as("a third bind through r1").isInstanceOf(Exception.class);
            assertThatThrownBy(() -> clients.bind(r2.smppAddress(), SmppBindType.TRANSCEIVER, "lim", "secret4", 64))
                    .as("a third bind through r2").isInstanceOf(Exception.class);

            // tps 100: both nodes offered far more; the two together accept about 100 a second
            AtomicBoolean counting = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger[] perNode = {new AtomicInteger(), new AtomicInteger()};
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int node = t % 2;
                ChSession s = node == 0 ? a : b;
                Thread w = new Thread(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        try {
                            SubmitSmResp r = s.submitText("Shop", "7916" + String.format("%07d", i++), "lim", 0);
                            if (r.getCommandStatus() == 0 && counting.get()) {
                                accepted.incrementAndGet();
                                perNode[node].incrementAndGet();
                            }
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                w.start();
                workers.add(w);
            }
            Thread.sleep(4000); // the shares settle
            counting.set(true);
            long t0 = System.nanoTime();
            Thread.sleep(10_000);
            counting.set(false);
            double seconds = (System.nanoTime() - t0) / 1e9;
            stop.set(true);
            for (Thread w : workers) {
                w.join();
            }
            double rate = accepted.get() / seconds;
            System.out.printf("cluster limits: tps %d across 2 nodes: %.1f msg/s accepted (r1 %d, r2 %d in %.1f s)%n",
                    TPS, rate, perNode[0].get(), perNode[1].get(), seconds);
            // the nodes share the rate from the same figures: 100.0-100.4 msg/s in three runs (until
            // 2026-11-27 each node mixed its own fresh figure with the other's older one: 107-111)
            assertThat(rate).as("the account's rate across the cluster").isBetween(TPS * 0.9, TPS * 1.05);
        }
    }

    private Router node(String id, KafkaTestCluster kafka, JsmppSmsc smsc) throws Exception {
        String yaml = ClusterNodes.yaml(dir, id, kafka.bootstrap(), "limits2", smsc.port(), "binds: 2, window: 32",
                        "replicated", null)
                .replace("maxBinds: 8}", "maxBinds: 8}\n  - {id: lim, password: secret4, apiKey: k-lim-1, "
                        + "moderation: none, maxBinds: 2, tps: " + TPS + "}");
        return new Router(ConfigLoader.parse(yaml, dir.resolve(id + ".yaml"), dir)).start();
    }
}
