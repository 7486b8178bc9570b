package io.smsrouter.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The brokers cluster mode stands on behave as its durability needs: three real KRaft brokers,
 * a topic of replication factor 3 takes {@code acks=all} writes, still takes them with one broker
 * killed (min.insync.replicas=2), and the broker comes back on its data.
 */
class KafkaTestClusterTest {

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldTakeAcksAllWritesWithOneOfThreeBrokersKilledAndRestartIt() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start(3)) {
            System.out.printf("3 brokers ready in %d ms; rss k1=%d MB k2=%d MB k3=%d MB%n",
                    kafka.startedIn().toMillis(), kafka.brokers().rssKib("k1") / 1024,
                    kafka.brokers().rssKib("k2") / 1024, kafka.brokers().rssKib("k3") / 1024);
            kafka.createTopic("t", 4);
            try (Admin admin = kafka.admin()) {
                TopicDescription t = admin.describeTopics(List.of("t")).allTopicNames().get().get("t");
                assertThat(t.partitions()).hasSize(4)
                        .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                assertThat(admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "t"))).all().get().values()
                        .iterator().next().get("min.insync.replicas").value()).isEqualTo("2");
            }
            try (KafkaProducer<String, String> producer = producer(kafka.bootstrap())) {
                assertThat(send(producer, "before", 200)).isEqualTo(200);

                kafka.kill("k2");
                assertThat(kafka.brokers().isRunning("k2")).isFalse();
                long t0 = System.nanoTime();
                assertThat(send(producer, "k2-down", 200)).isEqualTo(200);
                System.out.printf("200 acks=all writes with k2 killed took %d ms%n", (System.nanoTime() - t0) / 1_000_000);

                long r0 = System.nanoTime();
                kafka.restart("k2");
                System.out.printf("k2 restarted and answering in %d ms, rss %d MB%n", (System.nanoTime() - r0) / 1_000_000,
                        kafka.brokers().rssKib("k2") / 1024);
                assertThat(kafka.brokers().isRunning("k2")).isTrue();
                assertThat(send(producer, "after", 200)).isEqualTo(200);
            }
            try (Admin admin = kafka.admin()) {
                // k2 catches up on its data and is back in every ISR
                org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS).untilAsserted(() ->
                        assertThat(admin.describeTopics(List.of("t")).allTopicNames().get().get("t").partitions())
                                .allSatisfy(p -> assertThat(p.isr()).hasSize(3)));
            }
            // every acknowledged write is there: 600 records over the 4 partitions
            try (Admin admin = kafka.admin()) {
                var offsets = admin.listOffsets(java.util.stream.IntStream.range(0, 4).boxed().collect(
                        java.util.stream.Collectors.toMap(i -> new org.apache.kafka.common.TopicPartition("t", i),
                                i -> org.apache.kafka.clients.admin.OffsetSpec.latest()))).all().get();
                assertThat(offsets.values().stream().mapToLong(o -> o.offset()).sum()).isEqualTo(600);
            }
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** Sends {@code n} records and returns how many were acknowledged. */
    private static int send(KafkaProducer<String, String> producer, String prefix, int n) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            acks.add(producer.send(new ProducerRecord<>("t", prefix + i, prefix + "-" + i)));
        }
        int ok = 0;
        for (Future<RecordMetadata> f : acks) {
            f.get(60, TimeUnit.SECONDS);
            ok++;
        }
        return ok;
    }
}
