package io.smsrouter.server;

import io.smsrouter.server.config.ConfigException;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.config.RouterConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code scripts/run}: load and validate the config, start the router, stop it on SIGTERM/Ctrl-C. */
@Command(name = "router", mixinStandardHelpOptions = true, description = "SMPP router")
public final class RouterMain implements Callable<Integer> {
    @Option(names = "--config", description = "configuration file (default ${DEFAULT-VALUE})")
    Path config = Path.of("conf/router.yaml");

    @Override
    public Integer call() throws Exception {
        RouterConfig cfg;
        Router router;
        try {
            cfg = ConfigLoader.load(config);
            router = new Router(cfg);
        } catch (ConfigException e) {
            System.err.println("router: configuration error: " + e.getMessage());
            return 2;
        }
        try {
            router.start();
        } catch (Router.StartException e) {
            System.err.println("router: " + e.getMessage());
            router.close();
            return 1;
        }
        System.out.println("router: smpp=" + cfg.smpp().host() + ":" + router.smppAddress().getPort()
                + " http=" + cfg.http().host() + ":" + router.httpAddress().getPort()
                + (router.smppTlsAddress() != null ? " smpp-tls=" + cfg.smpp().tls().host() + ":"
                + router.smppTlsAddress().getPort() : "")
                + (router.httpsAddress() != null ? " https=" + cfg.http().tls().host() + ":"
                + router.httpsAddress().getPort() : "")
                + (router.simulatorAddress() != null ? " simulator=" + hostPort(router.simulatorAddress()) : "")
                + " journal=" + cfg.journal().dir());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            router.close();
            stopped.countDown();
        }, "router-shutdown"));
        stopped.await();
        return 0;
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    public static void main(String[] args) {
        int rc = new CommandLine(new RouterMain()).execute(args);
        if (rc != 0) {
            System.exit(rc);
        }
    }
}
