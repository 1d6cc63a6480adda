// `b24load rules`: print the built-in policy or check a rules file.
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "common.h"
#include "error.h"

namespace b24cli {

namespace {

struct RulesFlags {
    bool print_default = false;
    std::string check;
};

int run(RulesFlags& f) {
    if (f.print_default) {
        std::cout << b24::to_json(b24::default_rules());
        return kExitOk;
    }
    std::ifstream in(f.check, std::ios::binary);
    if (!in) throw b24::Error(f.check, "cannot read the rules file");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::vector<std::string> faults = b24::check_rules(text);
    for (const auto& fault : faults) print_error(f.check + ": " + fault);
    if (!faults.empty()) return kExitError;
    const b24::Rules r = b24::parse_rules(text);
    std::cout << f.check << ": ok (" << r.name << ", sha256 " << b24::rules_sha256(r) << ")\n";
    return kExitOk;
}

}  // namespace

Action add_rules(CLI::App& root) {
    auto f = std::make_shared<RulesFlags>();
    CLI::App* cmd = root.add_subcommand("rules", "Print the built-in policy or check a rules file");
    auto* p = cmd->add_flag("--print-default", f->print_default, "Print the built-in policy (JSON)");
    auto* c = cmd->add_option("--check", f->check, "Validate a rules file; every fault with its JSON path");
    p->excludes(c);
    cmd->require_option(1);
    return [f] { return run(*f); };
}

}  // namespace b24cli
