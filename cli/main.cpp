// b24load: argument parsing, wiring and exit codes only; the work is in lib/.
#include <CLI/CLI.hpp>

#include "common.h"
#include "error.h"

int main(int argc, char** argv) {
    CLI::App app{"b24load: replay Bitrix24 REST traffic through the cloud's load limits"};
    app.set_version_flag("--version", std::string("b24load ") + B24LOAD_VERSION);
    app.require_subcommand(1);
    app.failure_message(CLI::FailureMessage::help);

    std::vector<std::pair<CLI::App*, b24cli::Action>> commands;
    auto add = [&](const char* name, b24cli::Action (*adder)(CLI::App&)) {
        b24cli::Action a = adder(app);
        commands.emplace_back(app.get_subcommand(name), std::move(a));
    };
    add("replay", b24cli::add_replay);
    add("stats", b24cli::add_stats);
    add("rules", b24cli::add_rules);
    add("synth", b24cli::add_synth);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : b24cli::kExitError;
    }
    try {
        for (auto& [cmd, action] : commands)
            if (cmd->parsed()) return action();
    } catch (const b24::Error& e) {
        b24cli::print_error(e.what());
        return b24cli::kExitError;
    } catch (const std::exception& e) {
        b24cli::print_error(std::string("internal error: ") + e.what());
        return b24cli::kExitError;
    }
    return b24cli::kExitError;
}
