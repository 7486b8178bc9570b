package io.smsrouter.cluster;

import io.smsrouter.server.Router;
import io.smsrouter.server.config.ClusterConfig;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.it.JsmppSmsc;
import org.jsmpp.bean.SubmitSm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Router nodes of a test cluster in this JVM: one account, one operator (a jsmpp SMSC), on ports 0. */
final class ClusterNodes {
    private ClusterNodes() {
    }

    /**
     * A started node {@code id} with its journal under {@code dir}; {@code operator} is the YAML
     * flow mapping's extra keys of operator opA (e.g. {@code "binds: 4, tps: 500"}).
     */
    static Router node(Path dir, String id, String bootstrap, String prefix, int smscPort, String operator,
                       String ack) throws Exception {
        return node(dir, id, bootstrap, prefix, smscPort, operator, ack, null);
    }

    /** {@link #node} with a {@code cluster.postgres} section when {@code postgres} is not null. */
    static Router node(Path dir, String id, String bootstrap, String prefix, int smscPort, String operator,
                       String ack, ClusterConfig.Postgres postgres) throws Exception {
        return new Router(ConfigLoader.parse(yaml(dir, id, bootstrap, prefix, smscPort, operator, ack, postgres),
                dir.resolve(id + ".yaml"), dir)).start();
    }

    /** The YAML of {@link #node}; {@code ack} null: no cluster section (the embedded router). */
    static String yaml(Path dir, String id, String bootstrap, String prefix, int smscPort, String operator,
                       String ack, ClusterConfig.Postgres postgres) {
        String yaml = """
                smpp: {host: 127.0.0.1, port: 0}
                http: {host: 127.0.0.1, port: 0}
                journal: {dir: %s}
                accounts:
                  - {id: shop, password: secret1, apiKey: k-shop-1, moderation: none, maxBinds: 8}
                operators:
                  - {id: opA, host: 127.0.0.1, port: %d, systemId: router, password: routerpw, %s}
                routes:
                  - operators: [opA]
                simulator: {enabled: false}
                cluster:
                  nodeId: %s
                  kafka: {bootstrap: "%s", topicPrefix: %s}
                  ack: %s
                """.formatted(dir.resolve(prefix + "-" + id), smscPort, operator, id, bootstrap, prefix, ack);
        if (ack == null) {
            return yaml.substring(0, yaml.indexOf("cluster:"));
        }
        if (postgres != null) {
            yaml += "  postgres: {url: \"%s\", user: %s, password: \"%s\"}\n".formatted(postgres.url(), postgres.user(),
                    postgres.password());
        }
        return yaml;
    }

    static List<String> texts(JsmppSmsc smsc) {
        return smsc.received().stream().map(SubmitSm::getShortMessage)
                .map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }
}
