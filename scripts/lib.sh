# Shared by scripts/*: project root, JVM flags, and "build what is missing".
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUTER_JAR="$ROOT/router-server/target/router.jar"
BENCH_JAR="$ROOT/router-bench/target/router-bench.jar"

# Chronicle Queue on Java 17 needs these (shared/DEPS.md); the last two stop it phoning home.
JVM_FLAGS=(
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
  -Dchronicle.analytics.disable=true
  -Dchronicle.announcer.disable=true
)

# The router's heap and collector (scripts/run, and the router inside scripts/bench, http-bench,
# link-bench; ROUTER_JAVA_OPTS / BENCH_JAVA_OPTS replace them). Measured 2026-11-27 (README,
# "JVM flags"): G1 with a 10 ms pause goal gave 1.5-2x the routed throughput of the ZGC it
# replaces (JDK 17's ZGC spent ~14% of the CPU in page faults of its multi-mapped heap here) and
# OTP p99 beside a saturating bulk load of ~15 ms instead of 75-750 ms. The heap is touched at
# start, in 2 MB pages: otherwise the young collections that move a bulk backlog into untouched
# old regions fault on every page and pause for ~100 ms (the start takes ~1.5 s longer).
# ParallelGC was as fast but paused 150-380 ms while a bulk backlog built up.
ROUTER_HEAP_GC="-Xms2g -Xmx2g -XX:+UseG1GC -XX:MaxGCPauseMillis=10 -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch"

# Builds the jars (tests skipped) when one is missing or older than any main source, resource or pom.
build_if_needed() {
  local jar="$1"
  if [ -f "$jar" ] && [ -z "$(find "$ROOT" \( -path "$ROOT/.git" -o -name node_modules -o -name target \) -prune -o \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  echo "building (mvn package, tests skipped)..." >&2
  (cd "$ROOT" && mvn -B -q -DskipTests package) >&2
}
