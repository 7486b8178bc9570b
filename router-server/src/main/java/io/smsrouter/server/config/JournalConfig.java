package io.smsrouter.server.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The Chronicle Queue journal every accepted message is written to before it is acknowledged
 * ({@code journal:} in {@code conf/router.yaml}).
 *
 * @param dir           queue directory, absolute (a relative one in the file is resolved against the
 *                      working directory); default {@value #DEFAULT_DIR}
 * @param rollCycle     how often a new queue file starts: one of {@link #ROLL_CYCLES};
 *                      default {@value #DEFAULT_ROLL_CYCLE}
 * @param syncEachBatch false: written to the OS page cache, survives {@code kill -9} of the process;
 *                      true: {@code msync} after each batch, survives power loss, slower;
 *                      default {@value #DEFAULT_SYNC_EACH_BATCH}
 * @param minFreeMb     below this much free space on the journal's disk the router stops accepting
 *                      (ESME_RMSGQFUL, /health 503) until there is room again; default
 *                      {@value #DEFAULT_MIN_FREE_MB}
 * @param retentionHours journal files older than this are deleted (what is still waiting in them
 *                      is written again first); 0 keeps every file; default {@value #DEFAULT_RETENTION_HOURS}
 * @param checkpointSeconds how often the state in flight is written to {@code <dir>/recovery.checkpoint}
 *                      (also at a graceful stop), so that a start reads it and only the journal after
 *                      it, not every file kept; 0 writes none (a start reads the whole journal, and
 *                      ignores a checkpoint left there);
 *                      0..{@value #MAX_CHECKPOINT_SECONDS}; default {@value #DEFAULT_CHECKPOINT_SECONDS}
 */
public record JournalConfig(Path dir, String rollCycle, boolean syncEachBatch, int minFreeMb, int retentionHours,
                            int checkpointSeconds) {
    public static final int DEFAULT_MIN_FREE_MB = 100;
    public static final int DEFAULT_RETENTION_HOURS = 72;
    public static final int DEFAULT_CHECKPOINT_SECONDS = 600;
    public static final int MAX_CHECKPOINT_SECONDS = 86_400;
    /** The checkpoint's file name in the journal directory. */
    public static final String CHECKPOINT_FILE = "recovery.checkpoint";

    public JournalConfig(Path dir, String rollCycle, boolean syncEachBatch) {
        this(dir, rollCycle, syncEachBatch, DEFAULT_MIN_FREE_MB, DEFAULT_RETENTION_HOURS);
    }

    public JournalConfig(Path dir, String rollCycle, boolean syncEachBatch, int minFreeMb) {
        this(dir, rollCycle, syncEachBatch, minFreeMb, DEFAULT_RETENTION_HOURS);
    }

    public JournalConfig(Path dir, String rollCycle, boolean syncEachBatch, int minFreeMb, int retentionHours) {
        this(dir, rollCycle, syncEachBatch, minFreeMb, retentionHours, DEFAULT_CHECKPOINT_SECONDS);
    }

    public static final String DEFAULT_DIR = "data/journal";
    public static final String DEFAULT_ROLL_CYCLE = "HOURLY";
    public static final List<String> ROLL_CYCLES = List.of("MINUTELY", "HOURLY", "DAILY");
    public static final boolean DEFAULT_SYNC_EACH_BATCH = false;

    /** Every key at its default, as if {@code journal:} were left out, resolved against {@code workingDir}. */
    public static JournalConfig defaults(Path workingDir) {
        return new JournalConfig(workingDir.resolve(DEFAULT_DIR).toAbsolutePath().normalize(),
                DEFAULT_ROLL_CYCLE, DEFAULT_SYNC_EACH_BATCH);
    }
}
