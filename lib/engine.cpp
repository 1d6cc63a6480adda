// The replay (SPEC §3): each hit goes through 3.1 (blocked integration), 3.2 (bucket),
// 3.3 (operating time, command by command) and 3.4 (overload findings, polling) in that
// order. All state is keyed by portal or finer, so replays of disjoint portal sets can run
// apart and their reports be merged.
#include "engine.h"

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "bucket.h"
#include "id_map.h"
#include "notification.h"
#include "operating.h"
#include "overload.h"
#include "polling.h"

namespace b24 {

namespace {

const char* kind_name(IntegrationKind k) {
    switch (k) {
        case IntegrationKind::App: return "app";
        case IntegrationKind::Webhook: return "webhook";
        case IntegrationKind::Unknown: return "unknown";
    }
    return "unknown";
}

std::uint64_t pack(Sym a, Sym b) { return (std::uint64_t{a} << 32) | b; }

// What one integration did with one method (its report's top_methods).
struct Use {
    std::int64_t hits = 0;
    std::int64_t cost_us = 0;
};

struct IntegrationState {
    Sym portal = kNoSym, integration = kNoSym;
    IntegrationKind kind = IntegrationKind::Unknown;
    std::int64_t hits = 0, executed = 0, cost_us = 0, cost_unknown = 0;
    std::array<std::int64_t, 3> refused{};
    OverloadTracker overload;
};

}  // namespace

struct Engine::Impl {
    Impl(const Rules& r, const SymbolTable& s)
        : rules(r),
          symbols(s),
          operating(rules.operating),
          matcher(rules, symbols),
          polling(rules.polling) {}

    Rules rules;
    const SymbolTable& symbols;
    BucketTable buckets;
    OperatingTable operating;
    PollingMatcher matcher;
    PollingTable polling;                    // by integration index
    IdMap<IntegrationState> integrations;    // (portal, integration); its index names it below
    IdMap<Use> uses;                         // (integration index, method)
    IdMap<int> portal_plans;                 // portal -> index into rules.plans
    std::vector<std::uint32_t> hit_uses;     // scratch: index in `uses` of each command of a hit
    std::function<void(const FindingEvent&)> on_finding;
    std::int64_t next_sweep = INT64_MIN;

    int plan_of(const Hit& h) {
        if (h.plan >= 0 && static_cast<std::size_t>(h.plan) < rules.plans.size()) return h.plan;
        const auto e = portal_plans.try_emplace(h.portal);
        if (e.fresh) e.value = std::max(0, rules.portal_plan(symbols.name(h.portal)));
        return e.value;
    }

    // Window entries of idle keys would otherwise stay until their next hit: now and then
    // (once per longest window of log time) every window drops what has left it.
    void maybe_sweep(std::int64_t t) {
        if (t < next_sweep) return;
        operating.sweep(t);
        for (std::size_t i = 0; i < integrations.size(); ++i)
            integrations.value_at(i).overload.sweep(rules, t);
        const std::int64_t every =
            std::max({rules.operating.window_us, rules.warn.window_us, rules.block.window_us});
        next_sweep = t > INT64_MAX - every ? INT64_MAX : t + every;
    }

    void add(const Hit& h);
    void report_findings(const IntegrationState& s, std::size_t count);
};

void Engine::Impl::add(const Hit& h) {
    maybe_sweep(h.t_us);
    const std::int64_t t = h.t_us;
    const auto entry = integrations.try_emplace(pack(h.portal, h.integration));
    IntegrationState& s = entry.value;
    const std::uint32_t who = entry.index;
    if (entry.fresh) {
        s.portal = h.portal;
        s.integration = h.integration;
        s.kind = h.kind;
    }
    // A batch with commands is its commands; anything else is one command of its method
    // (a batch without cmd counts under "batch").
    const std::span<const Sym> commands =
        h.cmds.empty() ? std::span<const Sym>(&h.method, 1) : std::span<const Sym>(h.cmds);

    ++s.hits;
    if (h.cost_us == kUnknownCost) ++s.cost_unknown;
    hit_uses.clear();
    for (const Sym m : commands) {
        const auto u = uses.try_emplace(pack(who, m));
        ++u.value.hits;
        hit_uses.push_back(u.index);  // an index: later inserts may move the values
    }

    // 3.1: blocked by 3.4 at an earlier hit.
    if (s.overload.blocked()) {
        ++s.refused[static_cast<std::size_t>(Refusal::Overload)];
        return;
    }

    // 3.2: the bucket of (portal, ip), or (portal, integration) without an ip.
    static const PlanLimits kFallback{"standard", 50, 2};
    const int plan = rules.plans.empty() ? 0 : plan_of(h);
    const PlanLimits& limits =
        rules.plans.empty() ? kFallback : rules.plans[static_cast<std::size_t>(plan)];
    OverloadHit o;
    o.t_us = t;
    o.capacity = limits.capacity;
    o.drain = limits.drain;
    const Sym bucket_key = h.ip != kNoSym ? h.ip : h.integration;
    if (!buckets.hit(h.portal, bucket_key, plan, limits, t)) {
        ++s.refused[static_cast<std::size_t>(Refusal::QueryLimit)];
        o.refused = 1;
    } else {
        // 3.3: command by command, each costing floor(cost / n).
        const std::int64_t cost =
            h.cost_us == kUnknownCost ? rules.operating.default_cost_us : h.cost_us;
        const std::int64_t each = cost / static_cast<std::int64_t>(commands.size());
        bool executed = false;
        for (std::size_t c = 0; c < commands.size(); ++c) {
            if (operating.command(h.portal, commands[c], t, each)) {
                executed = true;
                o.cost_us += each;
                uses.value_at(hit_uses[c]).cost_us += each;
            } else {
                ++o.refused;
                ++s.refused[static_cast<std::size_t>(Refusal::OperationTime)];
            }
        }
        if (executed) ++s.executed;
        s.cost_us += o.cost_us;
    }

    // 3.4 POLLING bursts: every polled command method, refused hits included.
    for (const Sym m : commands) {
        if (!matcher.polled(m)) continue;
        const auto period = polling.observe(who, m, t);
        if (!period) continue;
        if (!o.polling) {
            o.polling = true;
            o.poll_m = *period;
            o.poll_method = symbols.name(m);
            o.poll_max_m = *period;
        } else {
            o.poll_max_m = std::max(o.poll_max_m, *period);
        }
    }

    // 3.4 findings.
    const std::size_t recorded = s.overload.add(rules, o);
    if (recorded > 0 && on_finding) report_findings(s, recorded);
}

void Engine::Impl::report_findings(const IntegrationState& s, std::size_t count) {
    const std::string portal(symbols.name(s.portal));
    const std::string integration(symbols.name(s.integration));
    const auto& all = s.overload.findings();
    for (std::size_t i = all.size() - count; i < all.size(); ++i)
        on_finding(FindingEvent{portal, integration, all[i]});
}

Engine::Engine(const Rules& rules, const SymbolTable& symbols)
    : impl_(std::make_unique<Impl>(rules, symbols)) {}

Engine::~Engine() = default;

void Engine::on_finding(std::function<void(const FindingEvent&)> cb) {
    impl_->on_finding = std::move(cb);
}

void Engine::add(const Hit& hit) { impl_->add(hit); }

void Engine::finish(Report& out) {
    const Impl& im = *impl_;
    out.integrations.clear();
    out.integrations.resize(im.integrations.size());
    out.summary = Summary{};
    for (std::size_t u = 0; u < im.uses.size(); ++u) {
        const std::uint64_t k = im.uses.key_at(u);
        const Use& use = im.uses.value_at(u);
        out.integrations[k >> 32].top_methods.push_back(MethodUse{
            std::string(im.symbols.name(static_cast<Sym>(k & 0xffffffffu))), use.hits, use.cost_us});
    }
    for (std::size_t i = 0; i < im.integrations.size(); ++i) {
        const IntegrationState& s = im.integrations.value_at(i);
        IntegrationReport& r = out.integrations[i];
        r.portal = im.symbols.name(s.portal);
        r.integration = im.symbols.name(s.integration);
        r.kind = kind_name(s.kind);
        r.verdict = s.overload.verdict();
        r.hits = s.hits;
        r.executed = s.executed;
        r.cost_us = s.cost_us;
        r.refused = s.refused;
        r.cost_unknown = s.cost_unknown;
        r.findings = s.overload.findings();
        std::sort(r.findings.begin(), r.findings.end(), [](const Finding& a, const Finding& b) {
            return std::tie(a.at_us, a.code) < std::tie(b.at_us, b.code);
        });
        std::sort(r.top_methods.begin(), r.top_methods.end(),
                  [](const MethodUse& a, const MethodUse& b) {
                      if (a.cost_us != b.cost_us) return a.cost_us > b.cost_us;
                      return a.method < b.method;
                  });
        if (r.top_methods.size() > 5) r.top_methods.resize(5);
        r.notification = render_notification(r);
    }
    std::sort(out.integrations.begin(), out.integrations.end(),
              [](const IntegrationReport& a, const IntegrationReport& b) {
                  return std::tie(a.portal, a.integration) < std::tie(b.portal, b.integration);
              });
    im.operating.report(im.symbols, out.methods);
    im.buckets.report(im.symbols, im.rules, out.buckets);

    Summary& sum = out.summary;
    sum.integrations = static_cast<std::int64_t>(out.integrations.size());
    for (std::size_t i = 0; i < out.integrations.size(); ++i) {
        const IntegrationReport& r = out.integrations[i];
        if (i == 0 || r.portal != out.integrations[i - 1].portal) ++sum.portals;
        switch (r.verdict) {
            case Level::Ok: ++sum.ok; break;
            case Level::Notice: ++sum.notice; break;
            case Level::Warn: ++sum.warn; break;
            case Level::Block: ++sum.block; break;
        }
    }
}

}  // namespace b24
