// Shared by the subcommands: the input flags every reading command takes, the output
// file, terminal checks, progress and error printing.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "rules.h"
#include "run.h"

namespace b24cli {

inline constexpr int kExitOk = 0, kExitFindings = 1, kExitError = 2;

// A subcommand: what to run once CLI11 has parsed its flags.
using Action = std::function<int()>;
Action add_replay(CLI::App& root);
Action add_stats(CLI::App& root);
Action add_rules(CLI::App& root);
Action add_synth(CLI::App& root);

struct InputFlags {
    std::vector<std::string> files;
    std::string rules_file, plan, portal = "default";
    std::string max_skew = "60";
    bool strict = false;
    int threads = 0;  // 0: the number of cores
    bool progress = false, no_progress = false;
};

void add_input_flags(CLI::App& cmd, InputFlags& f);
// Rules from --rules and --plan (throws b24::Error naming the fault).
b24::Rules load_rules(const InputFlags& f);
b24::RunOptions run_options(const InputFlags& f);  // throws b24::Error for a bad --max-skew
// Progress on stderr when it is a terminal (or --progress), unless --no-progress.
b24::RunHooks progress_hooks(const InputFlags& f);
void end_progress(const InputFlags& f);

// stdout, or the -o file (throws b24::Error when it cannot be created).
class Output {
public:
    explicit Output(const std::string& path);
    std::ostream& stream() { return file_ ? *file_ : std::cout; }
    bool is_terminal() const;  // stdout to a terminal
    void close();              // flushes; throws b24::Error on a write fault
private:
    std::string path_;
    std::unique_ptr<std::ofstream> file_;
};

void print_error(const std::string& message);  // "b24load: message" on stderr
bool color_wanted(const Output& out);           // a terminal and NO_COLOR unset or empty

}  // namespace b24cli
