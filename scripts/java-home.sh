# Sourced by ./weft and ./run-tests: sets WEFT_JAVA_HOME to a JDK 25 or newer, or fails with a clear message.
# The machine's default java may be older; nothing here relies on the caller's JAVA_HOME.
weft_find_java_home() {
  local candidate version
  for candidate in "${WEFT_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    # The JDK's release file names its version without starting a JVM (keeps ./weft fast).
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$candidate/release" 2>/dev/null)
    if [ -n "$version" ] && [ "${version%%.*}" -ge 25 ] 2>/dev/null; then
      WEFT_JAVA_HOME="$candidate"
      export WEFT_JAVA_HOME
      return 0
    fi
  done
  echo "weft: needs a JDK 25 or newer (looked in \$WEFT_JAVA_HOME, \$JAVA_HOME and /usr/lib/jvm)" >&2
  return 1
}
