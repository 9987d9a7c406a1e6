#include "cli_options.h"

#include <cstdio>
#include <fstream>

namespace stampede::cli {

bool writeOutput(const std::string& target, const std::string& text, std::string& error) {
    if (target == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        return true;
    }
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    if (!out || !(out << text) || !out.flush()) {
        error = target + ": cannot write it";
        return false;
    }
    return true;
}

}  // namespace stampede::cli
