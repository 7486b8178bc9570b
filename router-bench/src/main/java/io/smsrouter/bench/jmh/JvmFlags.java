package io.smsrouter.bench.jmh;

/** The JVM flags of scripts/lib.sh, for {@code @Fork(jvmArgsAppend = ...)}: Chronicle Queue needs them on Java 17. */
final class JvmFlags {
    private JvmFlags() {
    }

    static final String OPENS_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String EXPORTS_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String OPENS_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    static final String EXPORTS_JAVAC = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    static final String EXPORTS_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    static final String NO_ANNOUNCER = "-Dchronicle.announcer.disable=true";
}
