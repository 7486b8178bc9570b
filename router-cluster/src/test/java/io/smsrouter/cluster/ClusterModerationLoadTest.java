package io.smsrouter.cluster;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What holding a message in PostgreSQL costs: one cluster node (in this JVM, on a real broker and a
 * real PostgreSQL) takes {@link #MESSAGES} submit_sm of an account whose messages are all held,
 * from {@link #THREADS} client threads; then the same through an account that is not moderated
 * (shipped to Kafka), and held messages on the embedded router (journal only). Prints holds per
 * second and the p50/p99 of submit_sm_resp; asserts that every acknowledged hold is in the shared
 * queue and none reached the operator. {@code -Dmoderation.load.messages=20000} for a longer run.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ClusterModerationLoadTest {
    static final int MESSAGES = Integer.getInteger("moderation.load.messages", 2_000);
    static final int THREADS = 16;

    @TempDir
    Path dir;

    @Test
    void holdsThroughOneNodeAreAllInTheSharedQueue() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start(1); PgTestServer pg = PgTestServer.start();
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw"); ChClient clients = new ChClient()) {
            Result embedded;
            try (Router r = router("e1", kafka, pg, smsc, false)) {
                embedded = run(clients, r, "mod", "embedded held");
            }
            try (Router r = router("r1", kafka, pg, smsc, true)) {
                Result held = run(clients, r, "mod", "cluster held (PostgreSQL)");
                Result shipped = run(clients, r, "shop", "cluster not held (Kafka)");
                assertThat(held.acknowledged()).isEqualTo(MESSAGES);
                assertThat(shipped.acknowledged()).isEqualTo(MESSAGES);
                assertThat(r.engine().moderationQueue()).isInstanceOf(PgModerationQueue.class);
                long statements = ((PgModerationQueue) r.engine().moderationQueue()).insertStatements();
                System.out.printf("moderation load: %d holds in %d INSERT statements%n", MESSAGES, statements);
                assertThat(statements).isBetween(1L, (long) MESSAGES);
                assertThat(r.engine().moderationQueue().list()).hasSize(MESSAGES);
                assertThat(ClusterNodes.texts(smsc)).noneMatch(t -> t.startsWith("load-mod-"));
            }
            assertThat(embedded.acknowledged()).isEqualTo(MESSAGES);
        }
    }

    record Result(int acknowledged, double perSecond, double p50Ms, double p99Ms) {
    }

    private Result run(ChClient clients, Router r, String account, String what) throws Exception {
        ChSession s = clients.bind(r.smppAddress(), SmppBindType.TRANSCEIVER, account,
                account.equals("mod") ? "secret2" : "secret1", 64);
        long[] latencies = new long[MESSAGES];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            Thread w = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < MESSAGES) {
                    long a = System.nanoTime();
                    try {
                        SubmitSmResp resp = s.submitText("Shop", "7916" + String.format("%07d", i),
                                "load-" + account + "-" + i, 0);
                        if (resp.getCommandStatus() == 0) {
                            ok.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    latencies[i] = System.nanoTime() - a;
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        long elapsed = System.nanoTime() - t0;
        s.close();
        Arrays.sort(latencies);
        Result res = new Result(ok.get(), MESSAGES * 1e9 / elapsed, latencies[MESSAGES / 2] / 1e6,
                latencies[(int) (MESSAGES * 0.99)] / 1e6);
        System.out.printf("moderation load: %-28s %d messages, %d threads: %.0f msg/s, submit_sm_resp p50 %.2f ms, "
                + "p99 %.2f ms%n", what, MESSAGES, THREADS, res.perSecond(), res.p50Ms(), res.p99Ms());
        return res;
    }

    private Router router(String id, KafkaTestCluster kafka, PgTestServer pg, JsmppSmsc smsc, boolean cluster)
            throws Exception {
        String yaml = ClusterNodes.yaml(dir, id, kafka.bootstrap(), "load", smsc.port(), "binds: 2, window: 32",
                        cluster ? "replicated" : null, pg.config())
                .replace("maxBinds: 8}", "maxBinds: 8}\n  - {id: mod, password: secret2, apiKey: k-mod-1, "
                        + "moderation: manual, maxBinds: 8}");
        return new Router(ConfigLoader.parse(yaml, dir.resolve(id + ".yaml"), dir)).start();
    }
}
