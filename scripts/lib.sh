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
# "JVM flags"). Shenandoah: its pauses stay ~1 ms while a 500,000-message bulk backlog sits in
# the heap, so OTP p99 beside a saturating bulk load is 3.5-12 ms (1.1-3.1x the OTP stream
# alone, median 1.5x), where G1 with a 10 ms pause goal paused 15-75 ms and gave 15-58 ms
# (3-15x). The price: ~20% less routed throughput in one JVM (median 118k against G1's 149k
# msg/s) and ~25% across three processes; for a router that carries no OTP, G1 is
#   ROUTER_JAVA_OPTS="-Xms2g -Xmx2g -XX:+UseG1GC -XX:MaxGCPauseMillis=10 -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch"
# JDK 17's ZGC was slower than both (~14% of the CPU in page faults of its multi-mapped heap) and
# stalled allocations; ParallelGC paused 150-380 ms. The heap is touched at start, in 2 MB pages:
# otherwise the collections that move a bulk backlog into untouched memory fault on every page.
ROUTER_HEAP_GC="-Xms2g -Xmx2g -XX:+UseShenandoahGC -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch"

# Builds the jars (tests skipped) when one is missing or older than any main source, resource or pom.
build_if_needed() {
  local jar="$1"
  if [ -f "$jar" ] && [ -z "$(find "$ROOT" \( -path "$ROOT/.git" -o -name node_modules -o -name target \) -prune -o \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  echo "building (mvn package, tests skipped)..." >&2
  (cd "$ROOT" && mvn -B -q -DskipTests package) >&2
}
