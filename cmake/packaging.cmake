# Install rules and the Debian package (`cpack -G DEB` in a build directory).
#
# Layout, decided at install time from the prefix actually used, so one build
# directory serves both `cmake --install build --prefix P` and cpack (whose
# prefix is /usr):
#
#   prefix /usr (the package)      prefix P (anything else, e.g. /usr/local)
#   /usr/bin/tickcast              P/bin/tickcast
#   /lib/systemd/system/tickcast.service
#                                  P/lib/systemd/system/tickcast.service
#   /etc/tickcast/tickcast.toml    P/etc/tickcast/tickcast.toml
#   /usr/share/tickcast/{tickcast.json,alerts.yml}
#                                  P/share/tickcast/...
#   /usr/share/doc/tickcast/...    P/share/doc/tickcast/...
#
# systemd/tickcast.service names the Debian paths; the installed copy is
# rewritten to name wherever the binary and config went.

set(_tickcast_install_layout [==[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(_tickcast_etc "/etc")
    set(_tickcast_unitdir "/lib/systemd/system")
  else()
    set(_tickcast_etc "${CMAKE_INSTALL_PREFIX}/etc")
    set(_tickcast_unitdir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
  endif()
  file(READ "@PROJECT_SOURCE_DIR@/systemd/tickcast.service" _unit)
  string(REPLACE "/usr/bin/tickcast" "${CMAKE_INSTALL_PREFIX}/@CMAKE_INSTALL_BINDIR@/tickcast" _unit "${_unit}")
  string(REPLACE "/etc/tickcast/" "${_tickcast_etc}/tickcast/" _unit "${_unit}")
  string(REPLACE "/usr/share/doc/tickcast/" "${CMAKE_INSTALL_PREFIX}/@CMAKE_INSTALL_DOCDIR@/" _unit "${_unit}")
  # A file of its own per install run: cpack and `cmake --install` may run at once.
  string(RANDOM LENGTH 12 _tag)
  set(_staged "@PROJECT_BINARY_DIR@/install-staging/tickcast.service.${_tag}")
  file(WRITE "${_staged}" "${_unit}")
  file(INSTALL DESTINATION "${_tickcast_unitdir}" TYPE FILE FILES "${_staged}"
       RENAME tickcast.service)
  file(REMOVE "${_staged}")
  file(INSTALL DESTINATION "${_tickcast_etc}/tickcast" TYPE FILE
       FILES "@PROJECT_SOURCE_DIR@/config/tickcast.toml")
]==])
string(CONFIGURE "${_tickcast_install_layout}" _tickcast_install_layout @ONLY)
install(CODE "${_tickcast_install_layout}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/systemd/tickcast.service)

install(FILES dashboards/tickcast.json dashboards/alerts.yml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tickcast)
install(FILES README.md docs/operations.md DESTINATION ${CMAKE_INSTALL_DOCDIR} OPTIONAL)

# Debian wants its changelog compressed reproducibly (gzip -9n) beside a
# copyright file in /usr/share/doc/<package>.
set(_tickcast_changelog_gz ${PROJECT_BINARY_DIR}/install-staging/changelog.Debian.gz)
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/install-staging)
execute_process(
  COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
  OUTPUT_FILE ${_tickcast_changelog_gz}
  COMMAND_ERROR_IS_FATAL ANY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/packaging/debian/changelog)
install(FILES ${_tickcast_changelog_gz} packaging/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- cpack -G DEB ----
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tickcast)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT
    "Seed 8f77e69e maintainers <maintainers@users.noreply.r-seed-8f77e69e.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "live exchange trades to bars to LSTM forecasts, as a daemon")
# The synopsis line is the summary above; this is the long description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "tickcast reads live trades from crypto exchanges over websocket, resamples
them into fixed-interval bars, keeps an LSTM's state warm to forecast the
next bar, retrains it online, and publishes forecasts over websocket and
metrics to Prometheus. It runs as a systemd service; a Grafana dashboard and
Prometheus alert rules are in /usr/share/tickcast.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
# Absolute destinations (/etc, /lib/systemd) go through DESTDIR, and the
# install-time layout above sees the real prefix (/usr).
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
# Runtime dependencies from the binary's shared libraries (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/\\\\.git/")
include(CPack)
