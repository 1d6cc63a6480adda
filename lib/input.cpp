#include "input.h"

#include <algorithm>
#include <tuple>

namespace b24 {

namespace {

bool later(const Hit& a, const Hit& b) {  // heap order: the earliest on top
    return std::tie(a.t_us, a.place.file, a.place.line) >
           std::tie(b.t_us, b.place.file, b.place.line);
}

}  // namespace

Input::Input(const std::vector<std::string>& files, const ParseContext& ctx, InputOptions opt) {
    if (opt.threads > 1) pool_ = std::make_unique<ParsePool>(opt.threads, ctx, opt.worker_nice);
    // Pieces in flight per file: within 32 MiB of decompressed text for all files together.
    // Months of daily logs are read at once (the merge needs every file's next hit), so each
    // file gets smaller pieces, not more memory. A long queue keeps every core busy while
    // parse times vary from piece to piece: on one 1 GB file with two threads, 6 pieces
    // used 1.83 CPUs, 24 pieces 1.92. The last quarter of the budget added memory, no speed.
    constexpr std::size_t kTextBudget = std::size_t{32} << 20;
    const std::size_t n = std::max<std::size_t>(1, files.size());
    FileFeed::Limits limits;
    limits.piece = std::clamp<std::size_t>(kTextBudget / (4 * n), std::size_t{64} << 10,
                                           std::size_t{1} << 20);
    limits.budget = std::max(2 * limits.piece, kTextBudget / n);
    limits.in_flight = std::max<std::size_t>(2, limits.budget * 3 / (4 * limits.piece));
    files_.reserve(files.size());
    for (std::size_t i = 0; i < files.size(); ++i)
        files_.push_back(std::make_unique<FileHits>(files[i], static_cast<std::uint32_t>(i), ctx,
                                                    opt, pool_.get(), limits));
    heads_.resize(files_.size());
}

Input::~Input() = default;

void Input::advance(std::size_t i) {
    heads_[i] = files_[i]->next();
}

Hit* Input::next() {
    Hit* const h = files_.size() == 1 ? files_[0]->next() : merge();
    if (h == nullptr) return nullptr;
    if (!first_us_) first_us_ = h->t_us;
    last_us_ = h->t_us;
    return h;
}

Hit* Input::merge() {
    auto cmp = [this](std::size_t a, std::size_t b) { return later(*heads_[a], *heads_[b]); };
    if (!primed_) {
        primed_ = true;
        for (std::size_t i = 0; i < files_.size(); ++i) {
            advance(i);
            if (heads_[i]) heap_.push_back(i);
        }
        std::make_heap(heap_.begin(), heap_.end(), cmp);
    } else if (taken_ != SIZE_MAX) {
        // The hit handed out last is done with: its file moves on now, not before.
        advance(taken_);
        if (heads_[taken_]) std::push_heap(heap_.begin(), heap_.end(), cmp);
        else heap_.pop_back();
        taken_ = SIZE_MAX;
    }
    if (heap_.empty()) return nullptr;
    std::pop_heap(heap_.begin(), heap_.end(), cmp);
    taken_ = heap_.back();  // stays at the back, out of the heap, until the next call
    return heads_[taken_];
}

InputReport Input::report() const {
    InputReport r;
    std::vector<std::pair<std::size_t, std::uint64_t>> places;
    for (std::size_t i = 0; i < files_.size(); ++i) {
        const FileCounters& c = files_[i]->counters();
        r.files.push_back(files_[i]->name());
        r.hits += c.hits;
        r.skipped += c.skipped;
        r.late += c.late;
        r.cost_unknown += c.cost_unknown;
        r.bad_lines += c.bad_lines;
        for (auto line : c.bad_lines_first) places.emplace_back(i, line);
        if (c.read_error) {
            if (r.complete) r.error = c.read_error->what();
            r.complete = false;
        }
    }
    std::sort(places.begin(), places.end());
    for (std::size_t k = 0; k < places.size() && k < 10; ++k)
        r.bad_places.push_back(files_[places[k].first]->name() + ":" +
                               std::to_string(places[k].second));
    r.first_us = first_us_;
    r.last_us = last_us_;
    return r;
}

}  // namespace b24
