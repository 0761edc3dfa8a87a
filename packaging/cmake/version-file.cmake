# Writes pnngConfigVersion.cmake with CMake's own helper (run by mk/install.mk):
#   cmake -DOUT=<file> -DVERSION=<x.y.z> -DSIZEOF_VOID_P=<4|8> -P version-file.cmake
#
# Compatibility is SameMajorVersion, the README's ABI policy: the soname libpnng.so.<major>
# changes whenever the ABI breaks, so any release with the same major version (and at least the
# requested version) is compatible, 0.x included. A library built for another pointer size is
# rejected.
cmake_minimum_required(VERSION 3.14)
include(CMakePackageConfigHelpers)
foreach(_v OUT VERSION SIZEOF_VOID_P)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "version-file.cmake: -D${_v}=... is required")
  endif()
endforeach()
set(CMAKE_SIZEOF_VOID_P ${SIZEOF_VOID_P})
write_basic_package_version_file("${OUT}" VERSION "${VERSION}" COMPATIBILITY SameMajorVersion)
