// `b24load stats`: hits, cost and refusals per portal, integration, method and day.
#include <memory>

#include "common.h"
#include "error.h"
#include "stats.h"

namespace b24cli {

namespace {

struct StatsFlags {
    InputFlags in;
    std::string by = "portal,integration,method,day", format, output;
};

int run(StatsFlags& f) {
    const b24::StatsGrouping by = b24::parse_grouping(f.by);
    const b24::Rules rules = load_rules(f.in);
    const b24::RunOptions opt = run_options(f.in);
    Output out(f.output);
    const std::string format = !f.format.empty() ? f.format : out.is_terminal() ? "text" : "json";

    const b24::StatsResult r = b24::run_stats(rules, opt, by, progress_hooks(f.in));
    end_progress(f.in);
    if (format == "json") b24::write_stats_json(out.stream(), r.rows, by, r.input);
    else if (format == "csv") b24::write_stats_csv(out.stream(), r.rows, by);
    else b24::write_stats_text(out.stream(), r.rows, by, r.input);
    out.close();

    if (!r.input.complete) {
        print_error(r.input.error + " (the statistics cover the hits read before it)");
        return kExitError;
    }
    if (r.input.bad_lines > 0 && format == "csv")
        print_error(std::to_string(r.input.bad_lines) + " bad line(s) skipped, the first at " +
                    r.input.bad_places.front());  // CSV has no place for them
    return kExitOk;
}

}  // namespace

Action add_stats(CLI::App& root) {
    auto f = std::make_shared<StatsFlags>();
    CLI::App* cmd = root.add_subcommand(
        "stats", "Hits, cost and refusals per portal, integration, method and UTC day");
    add_input_flags(*cmd, f->in);
    cmd->add_option("--by", f->by, "Grouping: any of portal,integration,method,day")
        ->capture_default_str();
    cmd->add_option("--format", f->format, "text (default on a terminal), json (default otherwise), csv")
        ->check(CLI::IsMember({"text", "json", "csv"}));
    cmd->add_option("-o,--output", f->output, "Write to FILE instead of standard output");
    return [f] { return run(*f); };
}

}  // namespace b24cli
