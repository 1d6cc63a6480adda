// `b24load replay`: verdicts as text, json, junit or ndjson; exit code from --fail-on.
#include <memory>

#include "common.h"
#include "error.h"
#include "report_printers.h"

namespace b24cli {

namespace {

struct ReplayFlags {
    InputFlags in;
    std::string format, fail_on = "block", output;
};

// --fail-on as the lowest level that fails; nullopt for never.
std::optional<b24::Level> fail_level(const std::string& s) {
    if (s == "notice") return b24::Level::Notice;
    if (s == "warn") return b24::Level::Warn;
    if (s == "block") return b24::Level::Block;
    return std::nullopt;
}

int run(ReplayFlags& f) {
    const b24::Rules rules = load_rules(f.in);
    const b24::RunOptions opt = run_options(f.in);
    Output out(f.output);
    const std::string format = !f.format.empty() ? f.format : out.is_terminal() ? "text" : "json";
    const auto fail_on = fail_level(f.fail_on);

    b24::RunHooks hooks = progress_hooks(f.in);
    if (format == "ndjson")
        hooks.on_finding = [&out](const b24::FindingEvent& e) {
            b24::write_finding_ndjson(out.stream(), e);
            out.stream().flush();
        };
    const b24::Report report = b24::run_replay(rules, opt, hooks);
    end_progress(f.in);

    if (format == "json") b24::write_report_json(out.stream(), report);
    else if (format == "text") {
        b24::TextOptions text;
        text.color = color_wanted(out);
        text.rules = &rules;
        b24::write_report_text(out.stream(), report, text);
    }
    else if (format == "junit")
        b24::write_report_junit(out.stream(), report, fail_on.value_or(b24::Level::Block));
    else b24::write_summary_ndjson(out.stream(), report);
    out.close();

    if (!report.input.complete) {
        print_error(report.input.error + " (the report covers the hits read before it)");
        return kExitError;
    }
    if (fail_on && b24::worst_level(report) >= *fail_on) return kExitFindings;
    return kExitOk;
}

}  // namespace

Action add_replay(CLI::App& root) {
    auto f = std::make_shared<ReplayFlags>();
    CLI::App* cmd = root.add_subcommand(
        "replay", "Replay logs through the load rules and report verdicts");
    add_input_flags(*cmd, f->in);
    cmd->add_option("--format", f->format,
                    "text (default on a terminal), json (default otherwise), junit, ndjson")
        ->check(CLI::IsMember({"text", "json", "junit", "ndjson"}));
    cmd->add_option("--fail-on", f->fail_on, "Exit 1 on a finding at or above: never, notice, warn, block")
        ->check(CLI::IsMember({"never", "notice", "warn", "block"}))
        ->capture_default_str();
    cmd->add_option("-o,--output", f->output, "Write the report to FILE instead of standard output");
    return [f] { return run(*f); };
}

}  // namespace b24cli
