package io.smsrouter.http;

import java.util.List;

/**
 * Reloading the route table from the config file, as the admin API offers it
 * ({@code POST /api/v1/routes/reload}); the server module implements it.
 */
public interface RouteAdmin {

    /**
     * What a reload did.
     *
     * @param applied     true when the file's routes are now in force
     * @param routes      how many routes are in force
     * @param error       why nothing changed (file, key, what was expected), or null
     * @param needRestart sections of the file that differ from the running config and that only a
     *                    restart applies
     */
    record Reload(boolean applied, int routes, String error, List<String> needRestart) {
    }

    /** The config file the routes come from, or null when the config was built in code. */
    String file();

    /** Reads the file and puts its routes in force when it is valid; changes nothing when not. */
    Reload reload();

    /** The outcome of the last reload, by the API or because the file changed. */
    Reload last();
}
