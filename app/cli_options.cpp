#include "cli_options.h"

#include <QFileInfo>

#include <cstdio>
#include <utility>
#include <vector>

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

namespace {
// Empty when `target` can be written, else why not.
std::string whyNotWritable(const std::string& target) {
    if (target == "-") return {};
    const QFileInfo file(QString::fromStdString(target));
    if (file.exists()) {
        if (file.isDir()) return "it is a folder";
        return file.isWritable() ? std::string() : "it is not writable";
    }
    const QFileInfo folder(file.absolutePath());
    if (!folder.exists())
        return "its folder " + folder.filePath().toStdString() + " does not exist";
    if (!folder.isDir() || !folder.isWritable())
        return "its folder " + folder.filePath().toStdString() + " is not writable";
    return {};
}
}  // namespace

bool outputsCanBeWritten(const CliOptions& o, const char* command) {
    const std::pair<const char*, const std::optional<std::string>*> outputs[] = {
        {"--json", &o.json}, {"--csv", &o.csv}, {"--report", &o.report}, {"--pdf", &o.pdf}};
    std::vector<std::pair<const char*, std::string>> seen;
    for (const auto& [flag, value] : outputs) {
        if (!*value) continue;
        const std::string& target = **value;
        const std::string why = std::string(flag) == "--pdf" && target == "-"
                                    ? "a PDF goes to a file, not to stdout"
                                    : whyNotWritable(target);
        if (!why.empty()) {
            std::fprintf(stderr, "stampede-cli %s: %s %s: %s; nothing was run\n", command, flag,
                         target.c_str(), why.c_str());
            return false;
        }
        for (const auto& [other, path] : seen)
            if (path == target) {
                std::fprintf(stderr,
                             "stampede-cli %s: %s and %s both write to '%s'; give them apart\n",
                             command, other, flag, target.c_str());
                return false;
            }
        seen.emplace_back(flag, target);
    }
    return true;
}

}  // namespace stampede::cli
