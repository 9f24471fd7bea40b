# SPDX-License-Identifier: GPL-3.0-or-later
# Desktop integration files and the Debian package (CPack DEB). Included from the top-level
# CMakeLists.txt after the targets exist. `cpack -G DEB` in the build folder (or scripts/package from a
# clean checkout) writes casebook_<version>_<arch>.deb; see docs/packaging.md.
include(GNUInstallDirs)

# qt_standard_project_setup() gives installed executables RUNPATH $ORIGIN:$ORIGIN/../lib; Casebook
# links its own code statically and every other library lives in the system's search path.
set_target_properties(casebook casebook-cli PROPERTIES INSTALL_RPATH "")

set(CASEBOOK_DATADIR "${CMAKE_INSTALL_DATADIR}")

# Desktop entry, MIME types, icons.
install(FILES "${PROJECT_SOURCE_DIR}/installer/casebook.desktop" DESTINATION "${CASEBOOK_DATADIR}/applications")
install(FILES "${PROJECT_SOURCE_DIR}/installer/casebook-mime.xml" DESTINATION "${CASEBOOK_DATADIR}/mime/packages"
        RENAME casebook.xml)
foreach(size 16 22 24 32 48 64 128 256)
    install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/casebook-${size}.png"
            DESTINATION "${CASEBOOK_DATADIR}/icons/hicolor/${size}x${size}/apps" RENAME casebook.png)
endforeach()
install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/casebook.svg" DESTINATION "${CASEBOOK_DATADIR}/icons/hicolor/scalable/apps")

# Man pages: the version is filled in, then gzip -n (reproducible: no name or time stamp inside).
find_program(GZIP_EXECUTABLE gzip REQUIRED)
set(CASEBOOK_MANPAGES "")
foreach(page casebook.1 casebook-cli.1)
    configure_file("${PROJECT_SOURCE_DIR}/installer/${page}" "${CMAKE_CURRENT_BINARY_DIR}/man/${page}" @ONLY)
    add_custom_command(OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/man/${page}.gz"
        COMMAND "${GZIP_EXECUTABLE}" -9 -n -f -k "${CMAKE_CURRENT_BINARY_DIR}/man/${page}"
        DEPENDS "${CMAKE_CURRENT_BINARY_DIR}/man/${page}"
        COMMENT "Compressing man page ${page}")
    list(APPEND CASEBOOK_MANPAGES "${CMAKE_CURRENT_BINARY_DIR}/man/${page}.gz")
endforeach()
add_custom_target(casebook_manpages ALL DEPENDS ${CASEBOOK_MANPAGES})
install(FILES ${CASEBOOK_MANPAGES} DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")

# Documentation and the Debian copyright file.
set(CASEBOOK_DOCDIR "${CASEBOOK_DATADIR}/doc/casebook")
install(FILES "${PROJECT_SOURCE_DIR}/README.md" DESTINATION "${CASEBOOK_DOCDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/" DESTINATION "${CASEBOOK_DOCDIR}" FILES_MATCHING PATTERN "*.md")
install(FILES "${PROJECT_SOURCE_DIR}/installer/copyright" DESTINATION "${CASEBOOK_DOCDIR}")

# ---- CPack: Debian package -------------------------------------------------------------------
set(CASEBOOK_PACKAGE_MAINTAINER "Casebook developers <casebook@example.org>" CACHE STRING
    "Maintainer field of the Debian package (Name <email>)")

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "casebook")
set(CPACK_PACKAGE_VENDOR "Casebook")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${CASEBOOK_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "investigation workbench for financial supervisors")
# Wrapped below 80 columns as Debian wants; the empty line becomes a " ." paragraph separator.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
    "Casebook imports the Supervisory Export Archives (SEA) that a regulated"
    "financial community cloud exports per institution and period (audit logs,"
    "transactions, accounts) into a local one-file SQLite workspace, verifying"
    "every file against the archive's manifest and the producer's Ed25519"
    "signature. Investigators search the records of every institution at once"
    "(also Chinese, Japanese and Korean text), find accounts, addresses and"
    "people seen at several institutions, and document their findings in cases"
    "whose every change is recorded in a tamper-evident journal."
    ""
    "This package contains the desktop application (casebook) and the"
    "command-line tool (casebook-cli).")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_STRIP_FILES ON)                 # RelWithDebInfo builds carry several MB of debug info
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # casebook_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)    # Qt, SQLite, libarchive, libsodium, OpenSSL, zlib, libstdc++ ...
# What dpkg-shlibdeps cannot see: the CJK fonts the views and reports draw with, Qt's platform
# plugins (xcb, wayland), and the desktop integration (MIME database, desktop entry and icon theme
# triggers). Casebook talks to SQLite directly, not through Qt SQL's QSQLITE plugin, so
# libqt6sql6-sqlite is not needed.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-noto-cjk, qt6-qpa-plugins, shared-mime-info, desktop-file-utils, hicolor-icon-theme")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "sqlite3")
set(CPACK_DEBIAN_COMPRESSION_TYPE "xz")

include(CPack)
