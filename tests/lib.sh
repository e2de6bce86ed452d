# lib.sh: the shell tests' harness, sourced as `. lib.sh VIOSIM SRC_DIR`: sets viosim, src and
# a scratch folder work (removed on exit); ok/bad count checks; finish prints the closing line
# CTest's log readers expect and sets the exit status.
set -u
viosim=$1
src=$2
work=$(mktemp -d /tmp/viosim-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
fails=0
passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
finish() {
  echo "$passes passed, $fails failed"
  [ "$fails" = 0 ]
}
