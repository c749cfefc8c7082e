#!/usr/bin/env bash
# Prints the absolute path of a launcher for Temporal's time-skipping test server on stdout (one
# line); progress goes to stderr. The server is the Java one (io.temporal:temporal-test-server from
# Maven Central, run with the local JDK), because its native build is a GitHub download that
# machines without internet cannot reach. Installed once into .tools/ (git-ignored); later runs
# are instant and need no network.
#
# The launcher takes the arguments the TypeScript SDK passes to a test server of type
# 'existing-path' (sdk-core's TestServerConfig: `<port> [extraArgs...]`), which are exactly
# TestServer's main arguments: `<port> [--enable-time-skipping]`. Without the flag, time skipping
# starts locked and the SDK unlocks it while a test awaits a result or calls env.sleep().
#
# Usage: bash scripts/temporal-test-server.sh
set -euo pipefail

TEST_SERVER_VERSION=1.31.0 # io.temporal:temporal-test-server, the Java SDK's test server
MAVEN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
LOCK_WAIT_SECONDS=600

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
install_dir="$repo_root/.tools/temporal-test-server/$TEST_SERVER_VERSION"
launcher="$install_dir/temporal-test-server"
classpath_dir="$install_dir/lib"

say() { echo "temporal-test-server: $*" >&2; }

fail() {
  say "$1"
  exit 1
}

found() {
  say "using $launcher (Java test server $TEST_SERVER_VERSION)"
  echo "$launcher"
  exit 0
}

command -v java >/dev/null 2>&1 || fail "java is not on PATH; the test server needs a JDK or JRE 11+ (e.g. apt-get install openjdk-17-jre-headless)"

[[ -x "$launcher" ]] && found

command -v mvn >/dev/null 2>&1 || fail "mvn is not on PATH; it fetches the test server from Maven Central once (e.g. apt-get install maven)"

# Concurrent first runs (two test processes, CI steps) install once; the others wait and reuse it.
mkdir -p "$install_dir"
exec 9>"$install_dir/.lock"
flock -w "$LOCK_WAIT_SECONDS" 9 || fail "gave up after ${LOCK_WAIT_SECONDS}s waiting for another install holding $install_dir/.lock"
[[ -x "$launcher" ]] && found

say "installing io.temporal:temporal-test-server:$TEST_SERVER_VERSION and its dependencies into ${install_dir#"$repo_root/"}"
cat >"$install_dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.tools</groupId>
  <artifactId>temporal-test-server-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>$TEST_SERVER_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM

# A half-copied classpath from an interrupted run is never reused: copy aside, then rename.
rm -rf "$classpath_dir" "$classpath_dir.partial"
copy_classpath() { # extra mvn flags, e.g. --offline
  mvn --batch-mode --quiet -Dstyle.color=never "$@" --file "$install_dir/pom.xml" \
    "$MAVEN_DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$classpath_dir.partial" >&2
}
# The local Maven repository (~/.m2) may already hold everything; only then is the network skipped.
copy_classpath --offline >/dev/null 2>&1 || copy_classpath ||
  fail "mvn could not fetch the test server (Maven Central unreachable and not in ~/.m2?)"
[[ -f "$classpath_dir.partial/temporal-test-server-$TEST_SERVER_VERSION.jar" ]] ||
  fail "mvn finished but temporal-test-server-$TEST_SERVER_VERSION.jar is not in the copied classpath"
mv "$classpath_dir.partial" "$classpath_dir"

# exec, so the process the SDK starts (and kills on teardown) is the JVM itself, never an orphan.
# C1-only JIT and the serial collector: a short-lived test server starts faster and uses less CPU.
cat >"$launcher.partial" <<'LAUNCHER'
#!/usr/bin/env bash
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$here/lib/*" io.temporal.testserver.TestServer "$@"
LAUNCHER
chmod +x "$launcher.partial"
mv "$launcher.partial" "$launcher"
found
