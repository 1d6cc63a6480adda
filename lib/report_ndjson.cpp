// --format ndjson: a consumer reads findings as they happen, one compact object per line,
// and knows the stream is whole when the "summary" line arrives.
#include "json_writer.h"
#include "micros.h"
#include "report_printers.h"

namespace b24 {

void write_finding_ndjson(std::ostream& out, const FindingEvent& e) {
    const Finding& f = e.finding;
    JsonWriter w(out, 0);
    w.begin_object();
    w.key("type").value("finding");
    w.key("portal").value(e.portal);
    w.key("integration").value(e.integration);
    w.key("code").value(f.code);
    w.key("level").value(level_name(f.level));
    w.key("at").value(format_time_ms(f.at_us));
    w.key("metric").value(f.metric);
    w.key("window_s").raw(format_count_micros(f.window_us));  // "600", as SPEC §4.1 shows it
    w.key("value").raw(format_metric(f.metric, f.value));
    w.key("threshold").raw(format_metric(f.metric, f.threshold));
    if (!f.method.empty()) w.key("method").value(f.method);
    w.end_object();
    out << '\n';
    out.flush();  // streaming: a reader waiting on a pipe sees the finding now
}

void write_summary_ndjson(std::ostream& out, const Report& r) {
    JsonWriter w(out, 0);
    w.begin_object();
    w.key("type").value("summary");
    w.key("rules");
    write_rules_json(w, r);
    w.key("input");
    write_input_json(w, r.input);
    w.key("summary");
    write_summary_json(w, r.summary);
    w.end_object();
    out << '\n';
    out.flush();
}

}  // namespace b24
