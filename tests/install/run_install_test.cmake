# Installs the build tree into a fresh prefix, then builds and runs small consumers against the
# installed tree only: through find_package(flinkdbt) (shared, static and C++) and through pkg-config
# (shared, and static with `pkg-config --static`).
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=<this dir> -DWORK=... -DVERSION=... -DGENERATOR=...
#         -DC_COMPILER=... -DCXX_COMPILER=... [-DSAN_FLAGS=...] -P run_install_test.cmake
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGV}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

set(prefix ${WORK}/prefix)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

foreach(f include/flinkdbt/flinkdbt.h include/flinkdbt/version.h include/flinkdbt/base/status.h
          include/flinkdbt/run/invocation.h lib/libflinkdbt.a lib/libflinkdbt.so lib/libflinkdbt.so.1
          bin/flinkdbt lib/cmake/flinkdbt/flinkdbtConfig.cmake
          lib/cmake/flinkdbt/flinkdbtConfigVersion.cmake lib/pkgconfig/flinkdbt.pc)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "cmake --install did not install ${f}")
  endif()
endforeach()
if(NOT IS_SYMLINK ${prefix}/lib/libflinkdbt.so.1 OR NOT IS_SYMLINK ${prefix}/lib/libflinkdbt.so)
  message(FATAL_ERROR "the shared library's SONAME links are not symlinks")
endif()

# The installed CLI reports the same version the library does.
run(${prefix}/bin/flinkdbt --version)
if(NOT run_output MATCHES "^flinkdbt ${VERSION}\n")
  message(FATAL_ERROR "installed flinkdbt --version printed:\n${run_output}")
endif()

# find_package, in a build tree that sees only the installed prefix.
set(san_args "")
if(SAN_FLAGS)
  set(san_args "-DCMAKE_C_FLAGS=${SAN_FLAGS}" "-DCMAKE_CXX_FLAGS=${SAN_FLAGS}"
               "-DCMAKE_EXE_LINKER_FLAGS=${SAN_FLAGS}")
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/consumer -B ${WORK}/consumer -G ${GENERATOR}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF ${san_args})
run(${CMAKE_COMMAND} --build ${WORK}/consumer)
foreach(exe consumer_shared consumer_static)
  run(${WORK}/consumer/${exe} ${VERSION})
  message(STATUS "${exe}: ${run_output}")
endforeach()
run(${WORK}/consumer/consumer_cpp)
message(STATUS "consumer_cpp: ${run_output}")
# The shared consumer really uses the installed library (by SONAME, found through its RUNPATH).
run(ldd ${WORK}/consumer/consumer_shared)
if(NOT run_output MATCHES "libflinkdbt\\.so\\.1 => ${prefix}/lib/libflinkdbt\\.so\\.1")
  message(FATAL_ERROR "consumer_shared does not load the installed libflinkdbt.so.1:\n${run_output}")
endif()

# pkg-config, with nothing but the compiler and the .pc file.
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
run(${PKG_CONFIG} --cflags --libs flinkdbt)
string(STRIP "${run_output}" pc_flags)
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
separate_arguments(san UNIX_COMMAND "${SAN_FLAGS}")
run(${C_COMPILER} ${san} ${SOURCE_DIR}/consumer/consumer.c -o ${WORK}/pc_shared ${pc_flags}
    -Wl,-rpath,${prefix}/lib)
run(${WORK}/pc_shared ${VERSION})
message(STATUS "pkg-config shared: ${run_output}")
# Static, as on Debian where the dependencies are shared libraries: the archive, Libs.private, and
# each Requires.private module's own flags. (`pkg-config --static` would also expand the modules'
# private dependencies, and Debian's libcurl.pc lists static libraries it does not ship.)
run(${PKG_CONFIG} --print-requires-private flinkdbt)
string(REGEX REPLACE "[ \n]+" ";" requires "${run_output}")
list(FILTER requires EXCLUDE REGEX "^$")
run(${PKG_CONFIG} --libs ${requires})
string(STRIP "${run_output}" pc_static)
separate_arguments(pc_static UNIX_COMMAND "${pc_static}")
file(STRINGS ${prefix}/lib/pkgconfig/flinkdbt.pc libs_private REGEX "^Libs.private:")
string(REGEX REPLACE "^Libs.private: *" "" libs_private "${libs_private}")
separate_arguments(libs_private UNIX_COMMAND "${libs_private}")
run(${C_COMPILER} ${san} -I${prefix}/include ${SOURCE_DIR}/consumer/consumer.c -o ${WORK}/pc_static
    ${prefix}/lib/libflinkdbt.a ${pc_static} ${libs_private})
run(${WORK}/pc_static ${VERSION})
message(STATUS "pkg-config static: ${run_output}")

file(REMOVE_RECURSE ${WORK})
