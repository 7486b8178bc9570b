package io.smsrouter.server;

import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import io.smsrouter.http.RouteAdmin;
import io.smsrouter.server.config.ConfigException;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.config.RouteConfig;
import io.smsrouter.server.config.RouterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts the {@code routes:} of the config file in force without a restart: when the file changes
 * (checked every second) or when an admin asks ({@code POST /api/v1/routes/reload}). The whole
 * file is read and validated as at start; a file with any error changes nothing and the error
 * says which key is wrong. Only the routes are applied: other sections that differ from the
 * running ones are named in the answer and the log as waiting for a restart.
 */
public final class RouteReloader implements RouteAdmin {
    private static final Logger log = LoggerFactory.getLogger(RouteReloader.class);

    private final Path file;
    private final Engine engine;
    private final RouterConfig running;
    private FileTime lastModified;
    private long lastSize = -1;
    private volatile Reload last;

    RouteReloader(RouterConfig running, Engine engine) {
        this.file = running.file();
        this.engine = engine;
        this.running = running;
        remember();
        this.last = new Reload(true, engine.routeTable().routes().size(), null, List.of());
    }

    /** The routes of a config as the engine's table. */
    static RouteTable table(List<RouteConfig> routes) {
        List<Route> out = new ArrayList<>(routes.size());
        for (RouteConfig r : routes) {
            out.add(new Route(r.sender(), r.prefix(), r.account(), TrafficClass.parse(r.category()), r.operators(),
                    r.weights()));
        }
        return new RouteTable(out);
    }

    /** Reloads if the file's time or size changed since the last look (a housekeeping task). */
    public void reloadIfChanged() {
        if (file == null) {
            return;
        }
        FileTime mtime;
        long size;
        try {
            mtime = Files.getLastModifiedTime(file);
            size = Files.size(file);
        } catch (IOException e) {
            return; // no file (a config built in code), or it is being replaced: look again later
        }
        synchronized (this) {
            if (mtime.equals(lastModified) && size == lastSize) {
                return;
            }
        }
        reload();
    }

    /** The config file, or null when the config was built in code (embedded, the bench). */
    @Override
    public String file() {
        return file == null ? null : file.toString();
    }

    @Override
    public synchronized Reload reload() {
        if (file == null) {
            return new Reload(false, engine.routeTable().routes().size(),
                    "the router was not started from a config file", List.of());
        }
        remember();
        RouterConfig next;
        try {
            next = ConfigLoader.load(file);
        } catch (ConfigException e) {
            log.warn("routes not reloaded, the ones in force stay: {}", e.getMessage());
            return last = new Reload(false, engine.routeTable().routes().size(), e.getMessage(), List.of());
        }
        RouteTable table = table(next.routes());
        try {
            engine.routes(table);
        } catch (IllegalArgumentException e) {
            String why = file + ": routes: " + e.getMessage();
            log.warn("routes not reloaded, the ones in force stay: {}", why);
            return last = new Reload(false, engine.routeTable().routes().size(), why, List.of());
        }
        List<String> restart = differences(running, next);
        log.info("routes reloaded from {}: {} routes in force{}", file, table.routes().size(),
                restart.isEmpty() ? "" : "; changed but applied only by a restart: " + String.join(", ", restart));
        return last = new Reload(true, table.routes().size(), null, restart);
    }

    @Override
    public Reload last() {
        return last;
    }

    private void remember() {
        if (file == null) {
            return;
        }
        try {
            lastModified = Files.getLastModifiedTime(file);
            lastSize = Files.size(file);
        } catch (IOException e) {
            lastModified = null;
            lastSize = -1;
        }
    }

    private static List<String> differences(RouterConfig a, RouterConfig b) {
        List<String> d = new ArrayList<>();
        diff(d, "smpp", a.smpp(), b.smpp());
        diff(d, "http", a.http(), b.http());
        diff(d, "admin", a.admin(), b.admin());
        diff(d, "journal", a.journal(), b.journal());
        diff(d, "accounts", a.accounts(), b.accounts());
        diff(d, "operators", a.operators(), b.operators());
        diff(d, "moderation", a.moderation(), b.moderation());
        diff(d, "simulator", a.simulator(), b.simulator());
        diff(d, "compliance", a.compliance(), b.compliance());
        diff(d, "billing", a.billing(), b.billing());
        return d;
    }

    private static void diff(List<String> out, String section, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add(section);
        }
    }
}
