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

# Builds the jars (tests skipped) when one is missing or older than any main source, resource or pom.
build_if_needed() {
  local jar="$1"
  if [ -f "$jar" ] && [ -z "$(find "$ROOT" \( -path "$ROOT/.git" -o -name node_modules -o -name target \) -prune -o \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  echo "building (mvn package, tests skipped)..." >&2
  (cd "$ROOT" && mvn -B -q -DskipTests package) >&2
}
