# Sourced by ./test.sh and ./cloudseg: installs what a fresh Debian machine with the .NET SDK and Node lacks.
# Every step checks first, so a second run costs nothing.

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]} (apt)" >&2
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_azurite() {
  local dir="$REPO_ROOT/infra/azurite"
  [ -x "$dir/node_modules/.bin/azurite" ] && return 0
  echo "installing Azurite (npm)" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

ensure_runtime_prerequisites() {
  # Skia needs fontconfig and a font to draw class names on overlays.
  apt_install fontconfig fonts-dejavu-core
  ensure_azurite
}

ensure_test_prerequisites() {
  ensure_runtime_prerequisites
  # Debian's torchvision writes the seeded torchvision weights file of the `models pull` test (too big to commit).
  apt_install chromium python3-torchvision
}

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
