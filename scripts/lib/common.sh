# Shared by ./stm32emu and scripts/test: prerequisites, the JDK, the build.
# Sourced, not executed.

STM32EMU_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Debian packages the emulator needs to build and run.
STM32EMU_RUNTIME_PACKAGES=(libunicorn2 libunicorn-dev gcc-arm-none-eabi libnewlib-arm-none-eabi
    binutils-arm-none-eabi qemu-system-arm make gcc libc6-dev)

# Install missing Debian packages (as root), or stop with the exact command to run.
stm32emu_need_packages() {
    local missing=() p
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "stm32emu: missing Debian packages: ${missing[*]}" >&2
        echo "stm32emu: install them with:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    echo "stm32emu: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/stm32emu-apt.log 2>&1; then
        apt-get update -q >>/tmp/stm32emu-apt.log 2>&1 || true
        if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/stm32emu-apt.log 2>&1; then
            echo "stm32emu: apt-get install ${missing[*]} failed; see /tmp/stm32emu-apt.log" >&2
            tail -5 /tmp/stm32emu-apt.log >&2
            exit 1
        fi
    fi
}

# Print the path of a JDK >= 25: $JAVA_HOME first, then /usr/lib/jvm/*.
stm32emu_find_jdk() {
    local candidate version
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
        version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
        if [ -n "$version" ] && [ "$version" -ge 25 ]; then
            echo "$candidate"
            return 0
        fi
    done
    echo "stm32emu: no JDK 25 found (tried \$JAVA_HOME and /usr/lib/jvm/*)." >&2
    echo "stm32emu: install one, e.g. Eclipse Temurin 25 (https://adoptium.net), and set JAVA_HOME to it." >&2
    exit 1
}

# Maven, from Debian if it is missing.
stm32emu_need_maven() {
    command -v mvn >/dev/null 2>&1 || stm32emu_need_packages maven
}
