# Sourced by the bench scripts (not run on its own). It
#   - makes the repository root the working directory;
#   - sets SMOKE=1 when the script's first argument is --smoke (or SMOKE=1 is in the environment):
#     small sizes, seconds per script, the same real path, and the script checks its own result
#     (the JVMs run with C1 only: their figures are not benchmark figures);
#   - provides the classpath: the all-in-one deploy/target/vigil.jar (every module and every
#     dependency), which the README's first command builds. Nothing is read from a local Maven
#     repository, so no `mvn install`, `-pl` or `mvn -o` is needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SMOKE="${SMOKE:-0}"
if [ "${1:-}" = --smoke ]; then SMOKE=1; shift; fi
if [ "$SMOKE" = 1 ] && [[ "${JAVA_TOOL_OPTIONS:-}" != *TieredStopAtLevel* ]]; then
  # short JVMs (and the Kafka child JVM, which inherits this): C1 only, about a third less CPU
  export JAVA_TOOL_OPTIONS="-XX:TieredStopAtLevel=1${JAVA_TOOL_OPTIONS:+ $JAVA_TOOL_OPTIONS}"
fi
JAR="${JAR:-deploy/target/vigil.jar}"

# Builds the jar with the README's command when it is missing (the whole reactor, nothing installed).
ensure_jar() {
  [ -f "$JAR" ] && return 0
  echo "bench: $JAR missing, building it: mvn -B -q package -DskipTests" >&2
  mvn -B -q package -DskipTests
}

# need TOOL DEBIAN_PACKAGE: exits 2 with one line saying what to install.
need() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] \
    || { echo "bench: $1 is missing: apt-get install -y $2" >&2; exit 2; }
}

# fail MESSAGE: a result check did not hold.
fail() { echo "bench: FAILED: $*" >&2; exit 1; }

# compile_bench DIR FILE.java...: compiles bench sources against the jar once (java FILE.java
# would compile them again in every JVM); run them with -cp "DIR:$JAR".
compile_bench() {
  local dir="$1"; shift
  javac -nowarn -cp "$JAR" -d "$dir" "$@"
}
