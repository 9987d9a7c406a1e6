# Builds TARGET in BUILD_DIR and passes only when the build fails because EXPECT is not found
# (a failure for any other reason would prove nothing).
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(status EQUAL 0)
    message(FATAL_ERROR "${TARGET} compiled: an internal header (${EXPECT}) is reachable")
endif()
string(FIND "${out}${err}" "${EXPECT}: No such file or directory" at)
if(at EQUAL -1)
    message(FATAL_ERROR "${TARGET} failed, but not for want of ${EXPECT}:\n${out}${err}")
endif()
message(STATUS "${TARGET}: ${EXPECT} is out of reach, as it must be")
