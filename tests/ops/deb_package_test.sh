#!/usr/bin/env bash
# The Debian package, built and unpacked the way the docs say:
#   cpack -G DEB (in a build directory), dpkg-deb -x into a scratch root,
# then the installed files are checked where the unit expects them, the
# installed binary validates the installed config, and lintian finds no errors.
#
# usage: deb_package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/tickcast-deb-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== cpack -G DEB"
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"; fail "cpack"
fi
debs=("$work"/out/tickcast_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one tickcast_*.deb in $work/out"
deb=${debs[0]}
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"

echo "== control fields"
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = tickcast ] || fail "Package: $(field Package)"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
echo "Depends: $depends"
# dpkg-shlibdeps found the shared libraries the binary links (libc, the C++
# runtime, OpenSSL, systemd's sd_notify, Boost).
for lib in libc6 libstdc++6 libssl3 libsystemd0; do
  [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -x -C "$work" ./conffiles ./postinst ./prerm ./postrm \
  || fail "control archive lacks conffiles or maintainer scripts"
grep -qx /etc/tickcast/tickcast.toml "$work/conffiles" || fail "tickcast.toml is not a conffile"

echo "== dpkg-deb -x into a scratch root"
root=$work/root
dpkg-deb -x "$deb" "$root"
unit=$root/lib/systemd/system/tickcast.service
[ -f "$unit" ] || fail "no unit at /lib/systemd/system/tickcast.service"
# Follow the unit's paths into the scratch root.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
binary=$(awk '{print $1}' <<<"$exec_start")
config=$(sed -n 's/.*--config \([^ ]*\).*/\1/p' <<<"$exec_start")
[ "$binary" = /usr/bin/tickcast ] || fail "unit runs $binary"
[ "$config" = /etc/tickcast/tickcast.toml ] || fail "unit reads $config"
grep -q '^ExecStartPre=/usr/bin/tickcast check-config --quiet /etc/tickcast/tickcast.toml$' "$unit" \
  || fail "unit lacks the check-config ExecStartPre"
grep -q '^StateDirectory=tickcast$' "$unit" || fail "unit does not create the state directory"
[ -x "$root$binary" ] || fail "$binary missing or not executable"
# Stripped: no debug sections in the packaged binary.
if readelf -S "$root$binary" | grep -q '\.debug_info'; then fail "$binary is not stripped"; fi

echo "== the installed binary checks the installed config"
"$root$binary" version
"$root$binary" check-config --quiet "$root$config" || fail "check-config on the installed config"

echo "== dashboard, rules, docs"
for f in /usr/share/tickcast/tickcast.json /usr/share/tickcast/alerts.yml \
         /usr/share/doc/tickcast/copyright /usr/share/doc/tickcast/changelog.Debian.gz \
         /usr/share/doc/tickcast/operations.md /usr/share/doc/tickcast/README.md; do
  [ -f "$root$f" ] || fail "missing $f"
done
cmp -s "$root/usr/share/tickcast/tickcast.json" "$source/dashboards/tickcast.json" || fail "dashboard differs"
cmp -s "$root/usr/share/tickcast/alerts.yml" "$source/dashboards/alerts.yml" || fail "rules differ"
promtool check rules "$root/usr/share/tickcast/alerts.yml" >/dev/null || fail "installed rules invalid"

echo "== lintian (errors fail; warnings are listed)"
lintian --fail-on error --tag-display-limit 0 "$deb" || fail "lintian reports errors"
echo "OK"
