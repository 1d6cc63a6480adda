#include "parse_pool.h"

namespace b24 {

ParsePool::ParsePool(int workers, const ParseContext& base) {
    for (int i = 0; i < workers; ++i) state_.push_back(std::make_unique<Worker>());
    for (int i = 0; i < workers; ++i) {
        ParseContext ctx = base;
        ctx.symbols = &state_[static_cast<std::size_t>(i)]->symbols;
        threads_.emplace_back([this, i, ctx] { work(i, ctx); });
    }
}

ParsePool::~ParsePool() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
}

void ParsePool::work(int index, ParseContext ctx) {
    ChunkParser parser(ctx);
    Worker& self = *state_[static_cast<std::size_t>(index)];
    for (;;) {
        Task task;
        {
            std::unique_lock<std::mutex> lock(mu_);
            cv_.wait(lock, [this] { return stop_ || !tasks_.empty(); });
            if (tasks_.empty()) return;  // stopping, nothing left
            task = std::move(tasks_.front());
            tasks_.pop_front();
        }
        task(parser, self, index);
    }
}

std::future<ParsedRun> ParsePool::submit(std::shared_ptr<std::vector<char>> buffer,
                                         std::size_t len, LineFormat format) {
    auto promise = std::make_shared<std::promise<ParsedRun>>();
    std::future<ParsedRun> result = promise->get_future();
    Task task = [promise, buffer = std::move(buffer), len, format](ChunkParser& parser,
                                                                  Worker& self, int index) {
        try {
            ParsedRun run;
            parser.parse(std::string_view(buffer->data(), len), format, run);
            run.worker = index;
            {
                // Publish the names this run added before its result can be seen.
                std::lock_guard<std::mutex> lock(self.log_mu);
                for (std::size_t i = self.log.size(); i < run.names_end; ++i)
                    self.log.emplace_back(self.symbols.name(static_cast<Sym>(i)));
            }
            promise->set_value(std::move(run));
        } catch (...) {
            promise->set_exception(std::current_exception());
        }
    };
    {
        std::lock_guard<std::mutex> lock(mu_);
        tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
    return result;
}

const std::vector<Sym>& ParsePool::names(int worker, std::size_t end, SymbolTable& into) {
    Worker& w = *state_[static_cast<std::size_t>(worker)];
    if (w.remap.size() < end) {
        std::lock_guard<std::mutex> lock(w.log_mu);
        for (std::size_t i = w.remap.size(); i < end; ++i) w.remap.push_back(into.intern(w.log[i]));
    }
    return w.remap;
}

}  // namespace b24
