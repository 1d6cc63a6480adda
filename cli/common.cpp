#include "common.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "error.h"
#include "micros.h"

namespace b24cli {

void add_input_flags(CLI::App& cmd, InputFlags& f) {
    cmd.add_option("files", f.files, "Log files (zstd, gzip or plain; '-' is standard input)")
        ->required();
    cmd.add_option("--rules", f.rules_file, "Rules file (JSON) over the built-in policy");
    cmd.add_option("--plan", f.plan, "Plan of portals the rules do not map (overrides default_plan)");
    cmd.add_option("--portal", f.portal, "Portal of access-log lines without a vhost")
        ->capture_default_str();
    cmd.add_option("--max-skew", f.max_skew, "Seconds a file may be out of order")
        ->capture_default_str();
    cmd.add_flag("--strict", f.strict, "Stop at the first bad line (exit 2)");
    cmd.add_option("--threads", f.threads, "Worker threads (default: the number of cores)")
        ->check(CLI::Range(0, 256));
    cmd.add_flag("--progress", f.progress, "Show progress on standard error");
    cmd.add_flag("--no-progress", f.no_progress, "Never show progress");
}

b24::Rules load_rules(const InputFlags& f) {
    b24::Rules rules = b24::default_rules();
    if (!f.rules_file.empty()) {
        std::ifstream in(f.rules_file, std::ios::binary);
        if (!in) throw b24::Error(f.rules_file, "cannot read the rules file");
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        try {
            rules = b24::parse_rules(text);
        } catch (const b24::Error& e) {
            throw b24::Error(f.rules_file, e.what());
        }
    }
    if (!f.plan.empty()) b24::set_default_plan(rules, f.plan);
    return rules;
}

b24::RunOptions run_options(const InputFlags& f) {
    b24::RunOptions o;
    o.files = f.files;
    o.default_portal = f.portal;
    o.input.strict = f.strict;
    const auto skew = b24::decimal_to_micros(f.max_skew);
    if (!skew || *skew < 0)
        throw b24::Error("--max-skew", "expected a number of seconds >= 0");
    o.input.max_skew_us = *skew;
    const unsigned cores = std::thread::hardware_concurrency();
    o.input.threads = f.threads > 0 ? f.threads : static_cast<int>(cores ? cores : 1);
    if (const char* nice = std::getenv("B24LOAD_WORKER_NICE"); nice != nullptr && *nice != '\0') {
        const std::string_view v(nice);
        if (v.size() > 2 || v.find_first_not_of("0123456789") != std::string_view::npos ||
            std::atoi(nice) > 19)
            throw b24::Error("B24LOAD_WORKER_NICE", "expected a whole number from 0 to 19");
        o.input.worker_nice = std::atoi(nice);
    }
    return o;
}

namespace {

bool show_progress(const InputFlags& f) {
    if (f.no_progress) return false;
    return f.progress || isatty(STDERR_FILENO);
}

}  // namespace

b24::RunHooks progress_hooks(const InputFlags& f) {
    b24::RunHooks h;
    if (!show_progress(f)) return h;
    const auto start = std::chrono::steady_clock::now();
    h.on_progress = [start](std::int64_t hits) {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (s < 1.0) return;
        std::fprintf(stderr, "\rb24load: %.1fM hits read, %.0f s", static_cast<double>(hits) / 1e6, s);
        std::fflush(stderr);
    };
    return h;
}

void end_progress(const InputFlags& f) {
    if (show_progress(f)) std::fprintf(stderr, "\r\033[K");
}

Output::Output(const std::string& path) : path_(path) {
    if (path.empty() || path == "-") return;
    file_ = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
    if (!*file_) throw b24::Error(path, "cannot create the output file");
}

bool Output::is_terminal() const { return !file_ && isatty(STDOUT_FILENO); }

void Output::close() {
    stream().flush();
    if (!stream()) throw b24::Error(path_.empty() ? "standard output" : path_, "write failed");
    if (file_) file_->close();
}

void print_error(const std::string& message) {
    std::fflush(stdout);
    std::fprintf(stderr, "b24load: %s\n", message.c_str());
}

bool color_wanted(const Output& out) {
    const char* nc = std::getenv("NO_COLOR");
    return out.is_terminal() && (nc == nullptr || *nc == '\0');
}

}  // namespace b24cli
