# `cmake --install`: the public headers, libflinkdbt.so (the C ABI, with its SONAME links),
# libflinkdbt.a (the whole C++ library plus the C ABI), the `flinkdbt` executable, a CMake package
# (find_package(flinkdbt) -> flinkdbt::flinkdbt, the shared C ABI, and flinkdbt::flinkdbt_static) and
# flinkdbt.pc for pkg-config. Included by the top-level CMakeLists.txt after every target exists.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(FLINKDBT_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/flinkdbt)

# Headers: the C++ layers' public headers, the C ABI and the generated version header.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/flinkdbt DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_SOURCE_DIR}/capi/include/flinkdbt/flinkdbt.h
              ${PROJECT_BINARY_DIR}/generated/flinkdbt/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/flinkdbt)

# Exported target names: flinkdbt::flinkdbt (shared, C ABI only) and flinkdbt::flinkdbt_static.
set_target_properties(flinkdbt_shared PROPERTIES EXPORT_NAME flinkdbt)
set_target_properties(flinkdbt_static PROPERTIES EXPORT_NAME flinkdbt_static)
target_include_directories(flinkdbt_shared INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_include_directories(flinkdbt_static INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

install(TARGETS flinkdbt_shared EXPORT flinkdbtSharedTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Unspecified)
install(TARGETS flinkdbt_static EXPORT flinkdbtStaticTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS flinkdbt RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(EXPORT flinkdbtSharedTargets NAMESPACE flinkdbt:: DESTINATION ${FLINKDBT_INSTALL_CMAKEDIR})
install(EXPORT flinkdbtStaticTargets NAMESPACE flinkdbt:: DESTINATION ${FLINKDBT_INSTALL_CMAKEDIR})

# The static library's link interface names third-party targets; the package finds their packages
# again (find_dependency) and pkg-config lists their modules. Both are derived from the layers' DEPS
# so a new dependency needs only a mapping here when its name does not follow the usual pattern.
get_property(_flinkdbt_deps GLOBAL PROPERTY FLINKDBT_THIRD_PARTY)
list(REMOVE_DUPLICATES _flinkdbt_deps)
set(_flinkdbt_find_lines "")
set(_flinkdbt_packages "")
set(_flinkdbt_pc_requires "")
set(_flinkdbt_pc_libs "-lstdc++ -lm")
foreach(dep IN LISTS _flinkdbt_deps)
  # CMake package, and how to find it.
  if(dep MATCHES "^re2::")
    set(pkg RE2)                # cmake/FindRE2.cmake (installed beside the config)
    set(how "")
  elseif(dep MATCHES "^httplib::")
    set(pkg CppHttplib)         # cmake/FindCppHttplib.cmake (installed beside the config)
    set(how "")
  elseif(dep MATCHES "^(CURL|Threads)::")
    set(pkg ${CMAKE_MATCH_1})   # CMake's own Find modules
    set(how "")
  elseif(dep MATCHES "^([A-Za-z0-9_.+-]+)::")
    set(pkg ${CMAKE_MATCH_1})
    set(how " CONFIG")
  else()
    set(pkg ${dep})             # yaml-cpp: a config package whose target has no namespace
    set(how " CONFIG")
  endif()
  if(NOT pkg IN_LIST _flinkdbt_packages)
    list(APPEND _flinkdbt_packages ${pkg})
    string(APPEND _flinkdbt_find_lines "_flinkdbt_find_static_dependency(${pkg}${how})\n")
  endif()
  # pkg-config module.
  if(dep MATCHES "^absl::(.*)$")
    list(APPEND _flinkdbt_pc_requires absl_${CMAKE_MATCH_1})
  elseif(dep STREQUAL "CURL::libcurl")
    list(APPEND _flinkdbt_pc_requires libcurl)
  elseif(dep MATCHES "^(simdjson|fmt|re2)::")
    list(APPEND _flinkdbt_pc_requires ${CMAKE_MATCH_1})
  elseif(dep STREQUAL "yaml-cpp")
    list(APPEND _flinkdbt_pc_requires yaml-cpp)
  elseif(dep MATCHES "^httplib::")
    list(APPEND _flinkdbt_pc_requires cpp-httplib)
  elseif(dep STREQUAL "Threads::Threads")
    string(APPEND _flinkdbt_pc_libs " -pthread")
  elseif(dep MATCHES "^CLI11::")
    # header-only, used by the CLI frame's sources only: nothing to link
  else()
    message(WARNING "flinkdbt.pc: no pkg-config module known for ${dep}; add one in cmake/FlinkdbtInstall.cmake")
  endif()
endforeach()
list(REMOVE_DUPLICATES _flinkdbt_pc_requires)
list(JOIN _flinkdbt_pc_requires " " FLINKDBT_PC_REQUIRES_PRIVATE)
set(FLINKDBT_PC_LIBS_PRIVATE "${_flinkdbt_pc_libs}")
set(FLINKDBT_STATIC_FIND_DEPENDENCIES "${_flinkdbt_find_lines}")

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/flinkdbtConfig.cmake.in
  ${PROJECT_BINARY_DIR}/install/flinkdbtConfig.cmake
  INSTALL_DESTINATION ${FLINKDBT_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/install/flinkdbtConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/install/flinkdbtConfig.cmake
              ${PROJECT_BINARY_DIR}/install/flinkdbtConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/FindRE2.cmake
              ${PROJECT_SOURCE_DIR}/cmake/FindCppHttplib.cmake
        DESTINATION ${FLINKDBT_INSTALL_CMAKEDIR})

# pkg-config: relocatable (prefix from the .pc file's own place), shared by default; --static adds
# the C++ library's dependencies.
file(RELATIVE_PATH FLINKDBT_PC_PREFIX_FROM_PCFILEDIR
     ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" FLINKDBT_PC_PREFIX_FROM_PCFILEDIR "${FLINKDBT_PC_PREFIX_FROM_PCFILEDIR}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/flinkdbt.pc.in ${PROJECT_BINARY_DIR}/install/flinkdbt.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/install/flinkdbt.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
