package io.smsrouter.server;

import io.smsrouter.core.cluster.ClusterView;
import io.smsrouter.core.correlation.ReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.server.config.ClusterConfig;
import io.smsrouter.smpp.upstream.OperatorConnector;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Cluster mode's entry point into the router (shared/SPEC.md §7). The implementation lives in the
 * {@code router-cluster} module and is found with {@link java.util.ServiceLoader} when the config
 * has a {@code cluster} section; the embedded {@code router.jar} has none on its class path, so a
 * cluster config stops its start (see {@link Router}).
 */
public interface ClusterSupport {

    /** What stops the start of a cluster config on a class path without cluster mode. */
    String NOT_ON_CLASS_PATH = "cluster: cluster mode needs router-cluster.jar (scripts/cluster); "
            + "this jar is the embedded router";

    /**
     * The cluster mode on the class path for a config with a {@code cluster} section, null for one
     * without; a {@link io.smsrouter.server.config.ConfigException} naming the key when the config
     * asks for cluster mode and this is the embedded router.
     */
    static ClusterSupport load(io.smsrouter.server.config.RouterConfig config) {
        if (config.cluster() == null) {
            return null;
        }
        return java.util.ServiceLoader.load(ClusterSupport.class).findFirst().orElseThrow(() ->
                new io.smsrouter.server.config.ConfigException(
                        (config.file() == null ? "" : config.file() + ": ") + NOT_ON_CLASS_PATH));
    }

    /** This router's node of the cluster, not connected yet. */
    Node node(ClusterConfig cluster, Context context);

    /**
     * What a node needs of its router. {@code bindsByOperator}: each operator's configured binds
     * (its shares); {@code tpsByBind}: the rate one bind of it may send at; {@code smpp} and
     * {@code http}: where the router listens, once it does; {@code balances}: the config's starting
     * balance of each billed account (with {@code cluster.postgres} they seed the shared balances,
     * and the engine's own start at 0).
     */
    record Context(Engine engine, ReceiptCorrelator correlator, ClientRegistry clients,
                   Map<String, Integer> bindsByOperator, Map<String, Integer> tpsByBind, Duration receiptValidity,
                   Supplier<String> smpp, Supplier<String> http, Map<String, Long> balances,
                   Duration logRetention) {
    }

    /** A node's life: {@link #open} before recovery, {@link #start} once the router listens. */
    interface Node extends AutoCloseable {
        /** Connects, checks, and hooks into the engine; throws (naming the key) when it cannot. */
        void open() throws Exception;

        /** The engine recovered its journal; the router does not listen yet. */
        default void recovered() {
        }

        /** Starts taking shares of the operators (running their binds) and receipts for clients. */
        void start(Map<String, OperatorConnector> operators);

        ClusterView view();

        /**
         * Each account's named templates shared by every node, once {@link #open} ran; null keeps
         * them in files of this node (the default, and cluster mode without PostgreSQL).
         */
        default java.util.function.Function<String, io.smsrouter.core.template.TemplateStore> templateStores() {
            return null;
        }

        /** Hands this node's shares over to the others, then disconnects. */
        @Override
        void close();
    }
}
