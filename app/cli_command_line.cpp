#include "cli_command_line.h"

#include <CLI/CLI.hpp>

#include "stampede/store/store_url.h"

#include <algorithm>
#include <cstdio>

#ifndef STAMPEDE_VERSION
#error "STAMPEDE_VERSION (CMake's PROJECT_VERSION) must be defined"
#endif

namespace stampede::cli {
namespace {

const char* const kDescription =
    "stampede-cli: the headless front of Stampede's engine, for scripts, CI and trainers";

const char* const kFooter =
    "passwords: STAMPEDE_MYSQL_PASSWORD, STAMPEDE_REDIS_PASSWORD or a --profile's keychain entry,\n"
    "           never the command line\n"
    "exit status: 0 done, 2 bad input (usage errors too), 1 internal failure\n"
    "`stampede-cli SUBCOMMAND --help` lists a subcommand's options.";

// The subcommands the arguments chose, outermost first: `dlq list` gives {dlq, list}.
std::vector<CLI::App*> chosenChain(CLI::App& root) {
    std::vector<CLI::App*> chain;
    for (CLI::App* app = &root;;) {
        const std::vector<CLI::App*> chosen = app->get_subcommands();
        if (chosen.empty()) return chain;
        app = chosen.front();
        chain.push_back(app);
    }
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
    std::string out;
    for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

std::vector<std::string> actionsOf(CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
        names.push_back(sub->get_name());
    return names;
}

bool awaitsAction(CLI::App& app) {
    return app.get_require_subcommand_min() > 0 && app.get_subcommands().empty() &&
           !actionsOf(app).empty();
}

// What an app did not take, in words: unknown options first (a value after one is its value),
// then a word where a subcommand or action was expected, then stray arguments.
std::string leftoverMessage(CLI::App& app, bool isRoot, const std::string& path,
                            const std::vector<std::string>& left) {
    std::vector<std::string> options;
    for (const std::string& arg : left)
        if (arg.size() > 1 && arg[0] == '-') options.push_back(arg.substr(0, arg.find('=')));
    if (!options.empty()) {
        const std::string names = joined(options, ", ");
        const bool one = options.size() == 1;
        if (isRoot && app.get_subcommands().empty())
            return names + (one ? ": unknown option" : ": unknown options") +
                   " (a subcommand's options follow its name)";
        if (isRoot)
            return names + (one ? " is not an option" : " are not options") +
                   " of stampede-cli itself; a subcommand's options follow its name";
        return names + (one ? " is not an option of " : " are not options of ") + path;
    }
    if (app.get_subcommands().empty() && !actionsOf(app).empty())
        return std::string(isRoot ? "unknown command '" : "unknown action '") + left.front() +
               "' (expected one of: " + joined(actionsOf(app), ", ") + ")";
    return std::string(left.size() == 1 ? "unexpected argument '" : "unexpected arguments '") +
           joined(left, "' '") + "'";
}

// The message of a usage error: what is wrong, and where (the subcommand, the option).
std::string usageMessage(CLI::App& root, const CLI::ParseError& error) {
    std::vector<CLI::App*> apps{&root};
    for (CLI::App* app : chosenChain(root)) apps.push_back(app);
    std::vector<std::string> names;
    for (std::size_t i = 1; i < apps.size(); ++i) names.push_back(apps[i]->get_name());
    const std::string path = joined(names, " ");
    const std::string where = path.empty() ? "stampede-cli: " : "stampede-cli " + path + ": ";
    // Arguments nobody took say more than what follows from them (a missing SCENARIO when the
    // scenario went to an unknown option), so they come first.
    for (std::size_t i = apps.size(); i-- > 0;) {
        const std::vector<std::string> left = apps[i]->remaining();
        if (left.empty()) continue;
        std::vector<std::string> upTo(names.begin(),
                                      names.begin() + static_cast<std::ptrdiff_t>(i));
        const std::string owner = joined(upTo, " ");
        return (owner.empty() ? std::string("stampede-cli: ") : "stampede-cli " + owner + ": ") +
               leftoverMessage(*apps[i], i == 0, owner, left);
    }
    if (awaitsAction(*apps.back()))
        return where + (path.empty() ? "no command given" : "no action given") +
               " (expected one of: " + joined(actionsOf(*apps.back()), ", ") + ")";
    // CLI11 says "--workers: 1 required N missing" for "--workers" at the end.
    const std::string what = error.what();
    const std::string required = ": 1 required ", missing = " missing";
    if (const auto at = what.find(required); at != std::string::npos && what.ends_with(missing)) {
        const auto value = at + required.size();
        return where + what.substr(0, at) + ": missing its value (" +
               what.substr(value, what.size() - missing.size() - value) + ")";
    }
    return where + what;
}

}  // namespace

CommandLine::CommandLine() : m_app(std::make_unique<CLI::App>(kDescription, "stampede-cli")) {
    m_app->set_version_flag("--version", "stampede-cli " STAMPEDE_VERSION);
    // min = max = 1: once a subcommand is chosen, a later word that names one is an argument.
    m_app->require_subcommand(1);
    // Where the store is when --store is not given: the console's default store too.
    m_app->footer(std::string(kFooter) + "\ndefault store: " + store::defaultStoreUrl().toString() +
                  " (the console's too; --store URL or STAMPEDE_STORE for another)");
}

CommandLine::~CommandLine() = default;

CLI::App& CommandLine::addCommand(const std::string& name, const std::string& description,
                                  Command command) {
    CLI::App* sub = m_app->add_subcommand(name, description);
    sub->footer("");  // the top level's is about all of them
    m_commands.emplace_back(sub, command);
    return *sub;
}

CLI::App& CommandLine::addAction(CLI::App& command, const std::string& name,
                                 const std::string& description) {
    CLI::App* action = command.add_subcommand(name, description);
    action->footer("");
    return *action;
}

int CommandLine::run(int argc, char** argv) {
    std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
    // `stampede-cli help [SUBCOMMAND …]` is `stampede-cli [SUBCOMMAND …] --help`.
    if (!args.empty() && args.front() == "help") {
        args.erase(args.begin());
        args.emplace_back("--help");
    }
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
    try {
        m_app->parse(args);
    } catch (const CLI::CallForHelp& e) {
        return m_app->exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return m_app->exit(e);
    } catch (const CLI::CallForVersion& e) {
        return m_app->exit(e);
    } catch (const CLI::ParseError& e) {
        const std::vector<CLI::App*> chain = chosenChain(*m_app);
        std::string path;
        for (const CLI::App* app : chain) path += " " + app->get_name();
        std::fprintf(stderr, "%s\nsee: stampede-cli%s --help\n", usageMessage(*m_app, e).c_str(),
                     path.c_str());
        return kExitBadInput;
    }
    const std::vector<CLI::App*> chain = chosenChain(*m_app);
    const auto found = std::find_if(m_commands.begin(), m_commands.end(),
                                    [&](const auto& c) { return c.first == chain.front(); });
    if (found == m_commands.end()) return kExitInternal;  // a registration without a command
    m_options.command = chain.front()->get_name();
    // The actions chosen (`dlq list`) come before the positional arguments the action took.
    std::vector<std::string> actions;
    for (std::size_t i = 1; i < chain.size(); ++i) actions.push_back(chain[i]->get_name());
    m_options.positional.insert(m_options.positional.begin(), actions.begin(), actions.end());
    return found->second(m_options);
}

std::string CommandLine::help() const {
    return m_app->help();
}

std::string usage() {
    CommandLine commandLine;
    registerSubcommands(commandLine);
    return commandLine.help();
}

}  // namespace stampede::cli
