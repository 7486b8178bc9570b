package io.smsrouter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.template.LocalTemplateStore;
import io.smsrouter.core.template.RenderContext;
import io.smsrouter.core.template.Template;
import io.smsrouter.core.template.TemplateException;
import io.smsrouter.core.template.TemplateStore;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named templates per account ({@code /api/v1/templates}), kept in a directory per account under
 * the templates directory, and the rendering of a template or an inline text with variables.
 */
final class Templates {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Templates.class);
    static final String PATH = "/api/v1/templates";
    /** The variable that names a recipient's time zone (IANA id) for dates; UTC without it. */
    static final String ZONE_VAR = "tz";

    private final ObjectMapper json;
    private final Path dir;
    private final Map<String, TemplateStore> stores = new ConcurrentHashMap<>();

    /** @param dir where templates are stored; null keeps them in memory only */
    Templates(ObjectMapper json, Path dir) {
        this.json = json;
        this.dir = dir;
    }

    /** A template ready to render for one recipient after another. */
    record Compiled(Template template) {
        String render(Map<String, Object> vars, String msisdn) {
            RenderContext ctx = RenderContext.DEFAULT;
            Object tz = vars.get(ZONE_VAR);
            if (tz != null) {
                try {
                    ctx = RenderContext.of(ZoneId.of(tz.toString()));
                } catch (DateTimeException e) {
                    throw ApiError.bad("template_error", ZONE_VAR + ": not a time zone: \"" + tz + "\"");
                }
            }
            try {
                return template.render(vars, ctx);
            } catch (TemplateException e) {
                throw templateError(e);
            }
        }
    }

    static boolean handles(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    /** Makes an account's store; by default files in a directory per account. */
    private volatile java.util.function.Function<String, TemplateStore> factory;

    /**
     * Takes each account's templates from {@code f} from now on (cluster mode with PostgreSQL:
     * shared by every node) instead of files; before the router listens.
     */
    void use(java.util.function.Function<String, TemplateStore> f) {
        factory = f;
        stores.clear();
    }

    /** Whether the templates are shared by the cluster (a change may wait for its database). */
    boolean shared() {
        return factory != null;
    }

    private TemplateStore store(String accountId) {
        java.util.function.Function<String, TemplateStore> f = factory;
        return stores.computeIfAbsent(accountId, a -> f != null ? f.apply(a) : new LocalTemplateStore(base().resolve(a)));
    }

    private Path base() {
        if (dir != null) {
            return dir;
        }
        try {
            return java.nio.file.Files.createTempDirectory("templates");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Compiled get(String accountId, String name) {
        Template t = store(accountId).get(name).orElse(null);
        return t == null ? null : new Compiled(t);
    }

    Compiled inline(String text) {
        try {
            return new Compiled(Template.compile("text", text));
        } catch (TemplateException e) {
            throw templateError(e);
        }
    }

    static ApiError templateError(TemplateException e) {
        return ApiError.bad("template_error", e.getMessage());
    }

    FullHttpResponse handle(FullHttpRequest req, String path, Account account) {
        try {
            TemplateStore store = store(account.id());
            if (path.equals(PATH) || path.equals(PATH + "/")) {
                ApiError.requireMethod(req.method(), HttpMethod.GET);
                ArrayNode a = json.createArrayNode();
                for (Template t : store.all()) {
                    describe(a.addObject(), t);
                }
                return HttpServer.json(HttpResponseStatus.OK, a.toString());
            }
            String name = path.substring(PATH.length() + 1);
            if (req.method() == HttpMethod.GET) {
                Template t = store.get(name).orElse(null);
                if (t == null) {
                    throw notFound(name);
                }
                return HttpServer.json(HttpResponseStatus.OK, describe(json.createObjectNode(), t).toString());
            }
            if (req.method() == HttpMethod.PUT) {
                JsonNode body = ApiError.body(json, req);
                String text = ApiError.string(body, "text", true);
                boolean existed = store.get(name).isPresent();
                Template t;
                try {
                    t = store.put(name, text);
                } catch (TemplateException e) {
                    throw templateError(e);
                } catch (IllegalArgumentException e) {
                    throw ApiError.bad("bad_request", e.getMessage());
                }
                return HttpServer.json(existed ? HttpResponseStatus.OK : HttpResponseStatus.CREATED,
                        describe(json.createObjectNode(), t).toString());
            }
            if (req.method() == HttpMethod.DELETE) {
                if (!store.remove(name)) {
                    throw notFound(name);
                }
                return HttpServer.json(HttpResponseStatus.OK, "{\"deleted\":\"" + name + "\"}");
            }
            throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use GET, PUT or DELETE");
        } catch (ApiError e) {
            return e.response();
        } catch (io.smsrouter.core.cluster.ClusterUnavailableException e) {
            // cluster mode: templates are shared through PostgreSQL, which is down; nothing changed
            log.warn("template request {} {} refused: {}", req.method(), path, e.getMessage());
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster_unavailable",
                    "the cluster's database is unavailable: the template was not changed; try again");
        } catch (RuntimeException e) {
            log.error("template request {} {} failed", req.method(), path, e);
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the templates could not be read or written: " + e.getMessage());
        }
    }

    private static ObjectNode describe(ObjectNode o, Template t) {
        o.put("name", t.name());
        o.put("text", t.source());
        return o;
    }

    private static ApiError notFound(String name) {
        return new ApiError(HttpResponseStatus.NOT_FOUND, "unknown_template", "no template named \"" + name + "\"");
    }
}
