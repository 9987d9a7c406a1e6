# One place for the warning flags every Stampede target gets.
function(stampede_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                             -Wold-style-cast -Wcast-align -Woverloaded-virtual
                                             -Wimplicit-fallthrough)
    # GCC 12 reports -Wrestrict inside libstdc++'s std::string operator+ (GCC bug 105329).
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
        target_compile_options(${target} PRIVATE -Wno-restrict)
    endif()
    if(STAMPEDE_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
