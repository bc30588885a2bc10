# Finds RE2 through pkg-config (Debian 12's libre2-dev ships re2.pc but no CMake config).
# Defines the imported target re2::re2.
find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2_PC QUIET IMPORTED_TARGET re2)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(RE2 REQUIRED_VARS RE2_PC_FOUND VERSION_VAR RE2_PC_VERSION)
if(RE2_FOUND AND NOT TARGET re2::re2)
  add_library(re2::re2 INTERFACE IMPORTED)
  target_link_libraries(re2::re2 INTERFACE PkgConfig::RE2_PC)
endif()
