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

constexpr std::uint32_t kNone = 0xffffffffu;       // no slot yet
constexpr std::uint32_t kNotPolled = 0xfffffffeu;  // Use::poll of a method polling ignores

// What one integration did with one method (its report's top_methods), and where the
// method's other state lives, so a command costs one lookup (often none) however many
// tables it touches.
struct Use {
    std::int64_t hits = 0;
    std::int64_t cost_us = 0;
    std::uint32_t op = kNone;    // (portal, method) in OperatingTable, from its first command there
    std::uint32_t poll = kNone;  // PollingTable record from its first observed hit, or kNotPolled
};

struct IntegrationState {
    Sym portal = kNoSym, integration = kNoSym;
    IntegrationKind kind = IntegrationKind::Unknown;
    std::int64_t hits = 0, executed = 0, cost_us = 0, cost_unknown = 0;
    std::array<std::int64_t, 3> refused{};
    OverloadTracker overload;
    // Caches of lookups whose answer never changes: the portal's plan (for hits that name
    // none), the bucket of the last key it hit, the Use of recent methods (direct-mapped by
    // the method id's low bits: an integration calls few methods, mostly the same ones).
    static constexpr std::size_t kWays = 8;
    int portal_plan = -1;
    Sym bucket_key = kNoSym;
    std::uint32_t bucket = kNone;
    std::array<Sym, kWays> method{};
    std::array<std::uint32_t, kWays> use = filled(kNone);

    static std::array<std::uint32_t, kWays> filled(std::uint32_t v) {
        std::array<std::uint32_t, kWays> a;
        a.fill(v);
        return a;
    }
};

// What the replay needs of a plan on every hit, worked out once.
struct PlanInfo {
    std::int64_t capacity = 0, drain = 0;
    std::int64_t warn_hits_max = 0;  // see OverloadHit
};

}  // namespace

struct Engine::Impl {
    Impl(const Rules& r, const SymbolTable& s)
        : rules(r),
          symbols(s),
          operating(rules.operating),
          matcher(rules, symbols),
          polling(rules.polling) {
        static const PlanLimits kFallback{"standard", 50, 2};
        if (rules.plans.empty()) plans.push_back(info(kFallback));
        for (const PlanLimits& p : rules.plans) plans.push_back(info(p));
        every = std::max({rules.operating.window_us, rules.warn.window_us, rules.block.window_us});
    }

    Rules rules;
    const SymbolTable& symbols;
    BucketTable buckets;
    OperatingTable operating;
    PollingMatcher matcher;
    PollingTable polling;                    // a record per Use of a polled method
    IdMap<IntegrationState> integrations;    // (portal, integration); its index names it below
    IdMap<Use> uses;                         // (integration index, method)
    IdMap<int> portal_plans;                 // portal -> index into rules.plans
    std::vector<PlanInfo> plans;             // by plan index (the fallback alone without plans)
    std::vector<std::uint32_t> hit_uses;     // scratch: index in `uses` of each command of a hit
    std::function<void(const FindingEvent&)> on_finding;
    std::int64_t next_sweep = INT64_MIN;
    std::int64_t every = 0;                  // sweep period: the longest window
    // The integration of the previous hit: logs often come in runs of one integration.
    std::uint64_t last_key = 0;
    std::uint32_t last_who = kNone;

    PlanInfo info(const PlanLimits& p) const {
        PlanInfo i;
        i.capacity = p.capacity;
        i.drain = p.drain;
        i.warn_hits_max = hits_exceed_max(rules.warn.hits_pct_of_bucket, p.drain,
                                          rules.warn.window_us, p.capacity);
        return i;
    }

    int plan_of(const Hit& h, IntegrationState& s) {
        if (h.plan >= 0 && static_cast<std::size_t>(h.plan) < rules.plans.size()) return h.plan;
        if (s.portal_plan < 0) {
            const auto e = portal_plans.try_emplace(h.portal);
            if (e.fresh) e.value = std::max(0, rules.portal_plan(symbols.name(h.portal)));
            s.portal_plan = e.value;
        }
        return s.portal_plan;
    }

    // Window entries of idle keys would otherwise stay until their next hit: now and then
    // (once per longest window of log time) every window drops what has left it.
    void maybe_sweep(std::int64_t t) {
        if (t < next_sweep) return;
        operating.sweep(t);
        for (std::size_t i = 0; i < integrations.size(); ++i)
            integrations.value_at(i).overload.sweep(rules, t);
        next_sweep = t > INT64_MAX - every ? INT64_MAX : t + every;
    }

    void add(const Hit& h);
    void report_findings(const IntegrationState& s, std::size_t count);
};

void Engine::Impl::add(const Hit& h) {
    maybe_sweep(h.t_us);
    const std::int64_t t = h.t_us;
    const std::uint64_t key = sym_pair(h.portal, h.integration);
    if (last_who == kNone || last_key != key) {
        const auto entry = integrations.try_emplace(key);
        if (entry.fresh) {
            entry.value.portal = h.portal;
            entry.value.integration = h.integration;
            entry.value.kind = h.kind;
        }
        last_key = key;
        last_who = entry.index;
    }
    const std::uint32_t who = last_who;
    IntegrationState& s = integrations.value_at(who);
    // A batch with commands is its commands; anything else is one command of its method
    // (a batch without cmd counts under "batch").
    const std::span<const Sym> commands =
        h.cmds.empty() ? std::span<const Sym>(&h.method, 1) : std::span<const Sym>(h.cmds);
    const std::size_t n = commands.size();

    ++s.hits;
    if (h.cost_us == kUnknownCost) ++s.cost_unknown;
    // Indices, not references: later inserts into `uses` may move the values.
    if (hit_uses.size() < n) hit_uses.resize(n);
    for (std::size_t c = 0; c < n; ++c) {
        const Sym m = commands[c];
        const std::size_t way = m % IntegrationState::kWays;
        if (s.use[way] == kNone || s.method[way] != m) {
            const auto u = uses.try_emplace(sym_pair(who, m));
            if (u.fresh && !matcher.polled(m)) u.value.poll = kNotPolled;
            s.method[way] = m;
            s.use[way] = u.index;
        }
        ++uses.value_at(s.use[way]).hits;
        hit_uses[c] = s.use[way];
    }

    // 3.1: blocked by 3.4 at an earlier hit.
    if (s.overload.blocked()) {
        ++s.refused[static_cast<std::size_t>(Refusal::Overload)];
        return;
    }

    // 3.2: the bucket of (portal, ip), or (portal, integration) without an ip.
    const int plan = rules.plans.empty() ? 0 : plan_of(h, s);
    const PlanInfo& limits = plans[static_cast<std::size_t>(plan)];
    OverloadHit o;
    o.t_us = t;
    o.capacity = limits.capacity;
    o.drain = limits.drain;
    o.warn_hits_max = limits.warn_hits_max;
    const Sym bucket_key = h.ip != kNoSym ? h.ip : h.integration;
    if (s.bucket == kNone || s.bucket_key != bucket_key) {
        s.bucket = buckets.slot(h.portal, bucket_key, plan);
        s.bucket_key = bucket_key;
    }
    const bool admitted = buckets.hit_at(s.bucket, t, limits.capacity, limits.drain);
    std::int64_t each = 0;
    if (!admitted) {
        ++s.refused[static_cast<std::size_t>(Refusal::QueryLimit)];
        o.refused = 1;
    } else {
        // 3.3 costs each command floor(cost / n). Most hits are one command: no 64-bit
        // division for them (a conditional expression here compiles to an unconditional idiv).
        each = h.cost_us == kUnknownCost ? rules.operating.default_cost_us : h.cost_us;
        if (n > 1) [[unlikely]]
            each /= static_cast<std::int64_t>(n);
    }

    // Command by command: 3.3 when admitted, then the 3.4 POLLING bursts of every polled
    // command method, refused hits included. (The two touch apart state: one pass does both.)
    bool executed = false;
    for (std::size_t c = 0; c < n; ++c) {
        Use& u = uses.value_at(hit_uses[c]);
        if (admitted) {
            if (u.op == kNone) u.op = operating.slot(h.portal, commands[c]);
            if (operating.command_at(u.op, t, each)) {
                executed = true;
                o.cost_us += each;
                u.cost_us += each;
            } else {
                ++o.refused;
                ++s.refused[static_cast<std::size_t>(Refusal::OperationTime)];
            }
        }
        if (u.poll == kNotPolled) continue;
        if (u.poll == kNone) u.poll = polling.add_record();
        const auto period = polling.observe_at(u.poll, t);
        if (!period) continue;
        if (!o.polling) {
            o.polling = true;
            o.poll_m = *period;
            o.poll_method = symbols.name(commands[c]);
            o.poll_max_m = *period;
        } else {
            o.poll_max_m = std::max(o.poll_max_m, *period);
        }
    }
    if (executed) ++s.executed;
    s.cost_us += o.cost_us;

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
    clear_replay_lists(out);
    collect(out);
    order_report(out);
}

void Engine::collect(Report& out) const {
    const Impl& im = *impl_;
    const std::size_t first = out.integrations.size();
    out.integrations.resize(first + im.integrations.size());
    for (std::size_t u = 0; u < im.uses.size(); ++u) {
        const std::uint64_t k = im.uses.key_at(u);
        const Use& use = im.uses.value_at(u);
        out.integrations[first + (k >> 32)].top_methods.push_back(MethodUse{
            std::string(im.symbols.name(static_cast<Sym>(k & 0xffffffffu))), use.hits, use.cost_us});
    }
    for (std::size_t i = 0; i < im.integrations.size(); ++i) {
        const IntegrationState& s = im.integrations.value_at(i);
        IntegrationReport& r = out.integrations[first + i];
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
    im.operating.report(im.symbols, out.methods);
    im.buckets.report(im.symbols, im.rules, out.buckets);
}

}  // namespace b24
