// b24load/report/v1 (SPEC §4.1): every required key, in the order of the spec, then the
// extras (input.error, finding.method, integration.cost_unknown) after them.
#include "json_writer.h"
#include "micros.h"
#include "report_printers.h"

namespace b24 {

namespace {

void write_time_or_null(JsonWriter& w, const std::optional<std::int64_t>& t) {
    if (t) w.value(format_time_ms(*t));
    else w.null();
}

void write_finding(JsonWriter& w, const Finding& f) {
    w.begin_object();
    w.key("code").value(f.code);
    w.key("level").value(level_name(f.level));
    w.key("at").value(format_time_ms(f.at_us));
    w.key("metric").value(f.metric);
    w.key("window_s").raw(format_count_micros(f.window_us));  // "600", as SPEC §4.1 shows it
    w.key("value").raw(format_metric(f.metric, f.value));
    w.key("threshold").raw(format_metric(f.metric, f.threshold));
    w.key("peak").raw(format_metric(f.metric, f.peak));
    if (!f.method.empty()) w.key("method").value(f.method);
    w.end_object();
}

void write_integration(JsonWriter& w, const IntegrationReport& i) {
    w.begin_object();
    w.key("portal").value(i.portal);
    w.key("integration").value(i.integration);
    w.key("kind").value(i.kind);
    w.key("verdict").value(level_name(i.verdict));
    w.key("hits").value(i.hits);
    w.key("executed").value(i.executed);
    w.key("cost_s").raw(format_micros(i.cost_us));
    w.key("refused").begin_object();
    for (Refusal r : {Refusal::QueryLimit, Refusal::OperationTime, Refusal::Overload})
        w.key(refusal_code(r)).value(i.refused[static_cast<std::size_t>(r)]);
    w.end_object();
    w.key("findings").begin_array();
    for (const Finding& f : i.findings) write_finding(w, f);
    w.end_array();
    w.key("notification").value(i.notification);  // "" when there is none: always a string
    w.key("top_methods").begin_array();
    for (const MethodUse& m : i.top_methods) {
        w.begin_object();
        w.key("method").value(m.method);
        w.key("hits").value(m.hits);
        w.key("cost_s").raw(format_micros(m.cost_us));
        w.end_object();
    }
    w.end_array();
    w.key("cost_unknown").value(i.cost_unknown);
    w.end_object();
}

void write_method(JsonWriter& w, const MethodReport& m) {
    w.begin_object();
    w.key("portal").value(m.portal);
    w.key("method").value(m.method);
    w.key("hits").value(m.hits);
    w.key("cost_s").raw(format_micros(m.cost_us));
    w.key("refused").value(m.refused);
    w.key("blocks").begin_array();
    for (const MethodBlock& b : m.blocks) {
        w.begin_object();
        w.key("from").value(format_time_ms(b.from_us));
        w.key("until").value(format_time_ms(b.until_us));
        w.key("window_cost_s").raw(format_micros(b.window_cost_us));
        w.end_object();
    }
    w.end_array();
    w.end_object();
}

void write_bucket(JsonWriter& w, const BucketReport& b) {
    w.begin_object();
    w.key("portal").value(b.portal);
    w.key("key").value(b.key);
    w.key("plan").value(b.plan);
    w.key("hits").value(b.hits);
    w.key("refused").value(b.refused);
    // A level, not a count: always with a fraction part like the spec's 0.0.
    w.key("peak_level").raw(format_micros(b.peak_level));
    w.end_object();
}

}  // namespace

std::string format_metric(const std::string& metric, std::int64_t v) {
    if (metric == "hits" || metric == "refused") return format_count_micros(v);
    return format_micros(v);  // cost, period: seconds
}

void write_rules_json(JsonWriter& w, const Report& r) {
    w.begin_object();
    w.key("name").value(r.rules_name);
    w.key("sha256").value(r.rules_sha256);
    w.end_object();
}

void write_input_json(JsonWriter& w, const InputReport& in) {
    w.begin_object();
    w.key("files").begin_array();
    for (const std::string& f : in.files) w.value(f);
    w.end_array();
    w.key("hits").value(in.hits);
    w.key("skipped").value(in.skipped);
    w.key("late").value(in.late);
    w.key("cost_unknown").value(in.cost_unknown);
    w.key("bad_lines").value(in.bad_lines);
    w.key("bad_places").begin_array();
    for (const std::string& p : in.bad_places) w.value(p);
    w.end_array();
    w.key("first");
    write_time_or_null(w, in.first_us);
    w.key("last");
    write_time_or_null(w, in.last_us);
    w.key("complete").value(in.complete);
    if (!in.complete) w.key("error").value(in.error);
    w.end_object();
}

void write_summary_json(JsonWriter& w, const Summary& s) {
    w.begin_object();
    w.key("portals").value(s.portals);
    w.key("integrations").value(s.integrations);
    w.key("ok").value(s.ok);
    w.key("notice").value(s.notice);
    w.key("warn").value(s.warn);
    w.key("block").value(s.block);
    w.end_object();
}

void write_report_json(std::ostream& out, const Report& r) {
    JsonWriter w(out, 2);
    w.begin_object();
    w.key("schema").value("b24load/report/v1");
    w.key("rules");
    write_rules_json(w, r);
    w.key("input");
    write_input_json(w, r.input);
    w.key("summary");
    write_summary_json(w, r.summary);
    w.key("integrations").begin_array();
    for (const IntegrationReport& i : r.integrations) write_integration(w, i);
    w.end_array();
    w.key("methods").begin_array();
    for (const MethodReport& m : r.methods) write_method(w, m);
    w.end_array();
    w.key("buckets").begin_array();
    for (const BucketReport& b : r.buckets) write_bucket(w, b);
    w.end_array();
    w.end_object();
    out << '\n';
}

}  // namespace b24
