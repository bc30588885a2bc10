# Finds cpp-httplib through pkg-config (Debian 12 builds it as a compiled library with cpp-httplib.pc).
# Defines the imported target httplib::httplib.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CPPHTTPLIB_PC QUIET IMPORTED_TARGET cpp-httplib)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CppHttplib REQUIRED_VARS CPPHTTPLIB_PC_FOUND VERSION_VAR CPPHTTPLIB_PC_VERSION)
if(CppHttplib_FOUND AND NOT TARGET httplib::httplib)
  add_library(httplib::httplib INTERFACE IMPORTED)
  target_link_libraries(httplib::httplib INTERFACE PkgConfig::CPPHTTPLIB_PC)
endif()
