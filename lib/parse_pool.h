// Worker threads that parse pieces of input (a ChunkParser each, with a symbol table of
// its own) while the reading threads go on (see file_feed.h); names(worker, end) maps a
// worker's ids to the consuming thread's table.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "chunk_parser.h"

namespace b24 {

class ParsePool {
public:
    // Workers run `nice` levels below the thread that makes the pool (thread_priority.h).
    ParsePool(int workers, const ParseContext& base, int nice = 0);
    ~ParsePool();  // finishes queued work, then joins
    using Job = std::function<void(ChunkParser& parser, int worker)>;
    // Runs `job` on a worker, with the worker's parser and index. Jobs run in any order.
    void submit(Job job);
    // From a job, before its result can be seen: makes every name the worker's table
    // holds visible to names().
    void publish(int worker);
    // From the consuming thread only: ids in `into` of a worker's first `end` names.
    const std::vector<Sym>& names(int worker, std::size_t end, SymbolTable& into);

private:
    struct Worker {
        SymbolTable symbols;         // the worker's own
        std::mutex log_mu;
        std::deque<std::string> log;  // its names in id order, as the reading thread may see them
        std::vector<Sym> remap;       // consuming thread: worker id -> id in its table
    };
    void work(int index, ParseContext ctx, int nice);

    std::vector<std::unique_ptr<Worker>> state_;
    std::vector<std::thread> threads_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Job> jobs_;
    bool stop_ = false;
};

}  // namespace b24
