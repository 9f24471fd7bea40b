#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the Debian package from the build folder this test runs in (cpack, output in a scratch
# folder), checks its fields and contents, lints the desktop entry, MIME XML and man pages, installs
# it into a scratch root with dpkg-deb -x and runs the installed casebook-cli on generated archives.
# Usage: package_test.sh BUILD_DIR VERSION   (registered in tests/CMakeLists.txt, label "package")
# Exit 77 (ctest: skipped) when a packaging tool is missing: scripts/deps installs them.
set -euo pipefail
build="$(cd "$1" && pwd)"
version="$2"

for tool in cpack dpkg-deb dpkg-shlibdeps file desktop-file-validate man update-mime-database; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is missing (scripts/deps installs dpkg-dev, file, desktop-file-utils, man-db, shared-mime-info)"
    exit 77
  fi
done

scratch="$(mktemp -d "${TMPDIR:-/tmp}/casebook-package-test.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
check() { local what="$1"; shift; if "$@"; then echo "ok: $what"; else fail "$what"; fi; }

# ---- build the package ---------------------------------------------------------------------------
start=$(date +%s)
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" >cpack.log 2>&1; then
  cat cpack.log >&2
  echo "FAIL: cpack" >&2
  exit 1
fi
deb="$(ls "$scratch"/out/casebook_"$version"_*.deb 2>/dev/null | head -n1)"
[ -n "$deb" ] || { cat cpack.log >&2; echo "FAIL: no casebook_${version}_*.deb in out/" >&2; exit 1; }
echo "built $(basename "$deb"): $(stat -c %s "$deb") bytes in $(( $(date +%s) - start )) s"

# ---- control fields ------------------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
check "Package is casebook" test "$(field Package)" = casebook
check "Version is $version" test "$(field Version)" = "$version"
check "Architecture is $(dpkg --print-architecture)" test "$(field Architecture)" = "$(dpkg --print-architecture)"
check "Maintainer set" test -n "$(field Maintainer)"
check "Section set" test -n "$(field Section)"
check "Description has a summary and a long text" test "$(field Description | wc -l)" -ge 3
depends="$(field Depends)"
echo "Depends: $depends"
for dep in fonts-noto-cjk qt6-qpa-plugins shared-mime-info desktop-file-utils hicolor-icon-theme \
           libqt6core6 libqt6gui6 libqt6widgets6 libsqlite3-0 libarchive13 libsodium23 libssl3 zlib1g libstdc++6; do
  check "Depends on $dep" grep -qxF "$dep" <<<"$(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/[ (].*//')"
done

# ---- contents ------------------------------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' >contents.txt
expected=(
  ./usr/bin/casebook ./usr/bin/casebook-cli
  ./usr/share/applications/casebook.desktop
  ./usr/share/mime/packages/casebook.xml
  ./usr/share/icons/hicolor/scalable/apps/casebook.svg
  ./usr/share/man/man1/casebook-cli.1.gz ./usr/share/man/man1/casebook.1.gz
  ./usr/share/doc/casebook/copyright ./usr/share/doc/casebook/README.md
)
for size in 16 22 24 32 48 64 128 256; do expected+=("./usr/share/icons/hicolor/${size}x${size}/apps/casebook.png"); done
for f in "${expected[@]}"; do check "contains $f" grep -qxF "$f" contents.txt; done
check "installs nothing outside /usr" test -z "$(grep -v '^\./usr/' contents.txt | grep -vx '\./' || true)"
check "ships no test executables" test -z "$(grep -E '/(tst_|bench_|fuzz_)' contents.txt || true)"

# ---- install into a scratch root -----------------------------------------------------------------
dpkg-deb -x "$deb" root
usr="$scratch/root/usr"
check "binaries are executable" test -x "$usr/bin/casebook" -a -x "$usr/bin/casebook-cli"
check "binaries carry no RPATH/RUNPATH" \
  bash -c "! readelf -d '$usr/bin/casebook' '$usr/bin/casebook-cli' | grep -Eq 'R(UN)?PATH'"
check "binaries are stripped" bash -c "! readelf -S '$usr/bin/casebook-cli' | grep -q '\.debug_info'"
check "casebook-cli resolves every library from the system" bash -c "! ldd '$usr/bin/casebook-cli' | grep -q 'not found'"
check "casebook resolves every library from the system" bash -c "! ldd '$usr/bin/casebook' | grep -q 'not found'"

desktop="$usr/share/applications/casebook.desktop"
check "desktop-file-validate casebook.desktop" desktop-file-validate "$desktop"
check "desktop entry: Exec=casebook %f" grep -qx 'Exec=casebook %f' "$desktop"
check "desktop entry: both MIME types" grep -Eq '^MimeType=.*application/x-casebook-workspace;.*application/x-sea-archive;' "$desktop"
check "desktop entry: Icon=casebook" grep -qx 'Icon=casebook' "$desktop"
check "icon PNG 256x256" bash -c "file '$usr/share/icons/hicolor/256x256/apps/casebook.png' | grep -q '256 x 256'"
check "icon PNG 16x16" bash -c "file '$usr/share/icons/hicolor/16x16/apps/casebook.png' | grep -q '16 x 16'"

# MIME: compile a database from the system's freedesktop.org.xml plus ours; no warnings allowed.
mkdir -p mime/packages
cp "$usr/share/mime/packages/casebook.xml" mime/packages/
[ -f /usr/share/mime/packages/freedesktop.org.xml ] && cp /usr/share/mime/packages/freedesktop.org.xml mime/packages/
XDG_DATA_HOME="$scratch" XDG_DATA_DIRS="$scratch" update-mime-database "$scratch/mime" >mime.log 2>&1 || true
check "update-mime-database accepts casebook.xml" test ! -s mime.log
[ -s mime.log ] && cat mime.log >&2
check "MIME glob *.casebook" grep -q 'application/x-casebook-workspace:\*\.casebook' mime/globs2
check "MIME glob *.sea.zip" grep -q 'application/x-sea-archive:\*\.sea\.zip' mime/globs2

# Man pages: no groff/man warnings, and every command and exit code of --help is documented.
for page in casebook-cli casebook; do
  manfile="$usr/share/man/man1/$page.1.gz"
  warnings="$(LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -l "$manfile" 2>&1 >/dev/null || true)"
  check "man --warnings $page.1 is clean" test -z "$warnings"
  [ -z "$warnings" ] || echo "$warnings" >&2
  check "$page.1 names version $version" bash -c "zcat '$manfile' | grep -q '\"Casebook $version\"'"
done
LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$usr/share/man/man1/casebook-cli.1.gz" 2>/dev/null | col -b >man.txt

export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/.config" CASEBOOK_KEYRING="$scratch/keyring.json"
export CASEBOOK_INVESTIGATOR="Package Test"
unset LD_LIBRARY_PATH QT_PLUGIN_PATH DISPLAY WAYLAND_DISPLAY QT_QPA_PLATFORM
mkdir -p "$HOME"
cli="$usr/bin/casebook-cli"
"$cli" --help >help.txt
# Command lines of --help: two-space indent, a lower-case word; "keys" and "case" have subcommands.
commands="$(grep -E '^  [a-z]' help.txt | awk '{ if ($1 == "keys" || $1 == "case") print $1 " " $2; else print $1 }' | sort -u)"
[ -n "$commands" ] || fail "no commands found in casebook-cli --help"
while IFS= read -r cmd; do
  check "man page documents '$cmd'" grep -Eq "^ {7}$cmd( |$)" man.txt
done <<<"$commands"
check "man page documents --version" grep -Eq '^ {7}--version' man.txt
codes="$(sed -n '/^Exit codes/,$p' help.txt | grep -oE '(^|[ (])[0-9]+ (success|failure|usage|interrupted)' | grep -oE '[0-9]+')"
[ -n "$codes" ] || fail "no exit codes found in casebook-cli --help"
for code in $codes; do
  check "man page documents exit code $code" bash -c "sed -n '/^EXIT STATUS/,/^ENVIRONMENT/p' man.txt | grep -Eq '^ {7}$code +[A-Z]'"
done

# ---- run the installed binaries --------------------------------------------------------------------
check "casebook-cli --version" test "$("$cli" --version)" = "casebook-cli $version"
check "casebook --version without a display" test "$("$usr/bin/casebook" --version)" = "casebook $version"
"$cli" generate gen --tenants 2 --rows 400 >generate.log
check "generate wrote 2 archives" test "$(ls gen/*.sea.zip | wc -l)" -eq 2
"$cli" init ws.casebook >/dev/null
if "$cli" import ws.casebook gen/*.sea.zip --json >import.json; then echo "ok: import exit 0"; else fail "import exit $?"; fi
check "import: both archives imported" test "$(grep -o '"outcome":"imported"' import.json | wc -l)" -eq 2
"$cli" info ws.casebook --json >info.json
check "info: 2 institutions" test "$(grep -o '"default_timezone"' info.json | wc -l)" -eq 2
if command -v gio >/dev/null; then
  mime_of() { XDG_DATA_HOME="$scratch" XDG_DATA_DIRS="$scratch" gio info -a standard::content-type "$1" | sed -n 's/.*content-type: //p'; }
  cp ws.casebook renamed.db
  check "MIME of a workspace" test "$(mime_of ws.casebook)" = application/x-casebook-workspace
  check "MIME of a renamed workspace (magic)" test "$(mime_of renamed.db)" = application/x-casebook-workspace
  check "MIME of an archive" test "$(mime_of "$(ls gen/*.sea.zip | head -n1)")" = application/x-sea-archive
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures checks failed" >&2
  exit 1
fi
echo "package OK: $(basename "$deb") ($(stat -c %s "$deb") bytes)"
