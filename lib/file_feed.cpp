#include "file_feed.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "aligned_buffer.h"
#include "io_decoder.h"
#include "parse_pool.h"

namespace b24 {

namespace {

// Decompressed bytes, followed by kLinePadding readable ones.
struct Buffer {
    AlignedBuffer data;
    std::size_t cap = 0;  // usable bytes, padding not counted
};

// Splits `text` (padded) into head, whole lines and tail, and parses the whole lines.
void parse_piece(ChunkParser& parser, std::string_view text, Piece& p) {
    const char* b = text.data();
    const char* e = b + text.size();
    const auto* first = static_cast<const char*>(std::memchr(b, '\n', text.size()));
    if (first == nullptr) {
        p.head.assign(b, e);
        p.tail.clear();
        p.has_newline = false;
        parser.parse({}, p.format, p.run);
        return;
    }
    const auto* last = static_cast<const char*>(memrchr(b, '\n', text.size()));
    p.head.assign(b, first);
    p.tail.assign(last + 1, e);
    p.has_newline = true;
    parser.parse(std::string_view(first + 1, static_cast<std::size_t>(last - first)), p.format, p.run);
}

// The file's format from its first non-blank byte, past a UTF-8 BOM, however the first
// bytes are cut into pieces.
class FormatProbe {
public:
    void see(std::string_view text) {
        static constexpr std::string_view kBom = "\xEF\xBB\xBF";
        while (bom_seen_ < kBom.size() && !text.empty() && !format_) {
            if (text.front() != kBom[bom_seen_]) {
                // Not a BOM after all: its first byte was the first non-blank one.
                if (bom_seen_ > 0) format_ = LineFormat::AccessLog;
                bom_seen_ = kBom.size();
                break;
            }
            ++bom_seen_;
            text.remove_prefix(1);
        }
        if (!format_ && bom_seen_ == kBom.size()) format_ = detect_format(text);
    }
    const std::optional<LineFormat>& format() const { return format_; }

private:
    std::size_t bom_seen_ = 0;  // bytes of the BOM at the start of the file so far
    std::optional<LineFormat> format_;
};

}  // namespace

void Piece::clear() {
    run.hits.clear();
    run.bad.clear();
    run.worker = -1;
    run.names_end = 0;
    run.lines = 0;
    run.skipped = 0;
    run.bad_count = 0;
    head.clear();
    tail.clear();
    has_newline = false;
    format = LineFormat::Ndjson;
    error.reset();
    failure = nullptr;
}

struct FileFeed::Shared {
    struct Slot {
        std::unique_ptr<Piece> piece;
        Buffer text;               // a piece read by the reading thread
        std::size_t len = 0;
        io::ZstdFrames frames;     // or whole frames, for the worker to decompress
        bool has_frames = false;
        std::size_t bytes = 0;     // decompressed bytes it holds
        bool ready = false;        // parsed (or never to be): next() may take it
    };

    Shared(const std::string& n, ParsePool& p, const Limits& l)
        : name(n), limits(l), pool(p),
          dec(io::make_decoder(std::make_unique<io::InputFile>(n), l.read_size)) {}

    // A buffer of at least `size` bytes; the caller holds mu.
    Buffer take_buffer(std::size_t size) {
        for (auto it = spare_buffers.begin(); it != spare_buffers.end(); ++it) {
            if (it->cap >= size) {
                Buffer b = std::move(*it);
                spare_buffers.erase(it);
                return b;
            }
        }
        Buffer b;
        b.cap = std::max(size, limits.piece);
        b.data = make_aligned_buffer(b.cap + kLinePadding);  // uninitialized: written before read
        return b;
    }
    // The caller holds mu.
    void give_buffer(Buffer&& b) {
        if (!b.data) return;
        if (spare_buffers.size() < limits.in_flight + 2) spare_buffers.push_back(std::move(b));
    }
    std::unique_ptr<Piece> take_piece() {  // the caller holds mu
        if (spare_pieces.empty()) return std::make_unique<Piece>();
        auto p = std::move(spare_pieces.back());
        spare_pieces.pop_back();
        return p;
    }
    // The worker's part: decompress (frames), split and parse, then mark the slot ready.
    void work(Slot& slot, ChunkParser& parser, int worker) {
        Piece& p = *slot.piece;
        try {
            if (slot.has_frames) {
                {
                    std::lock_guard<std::mutex> lock(mu);
                    slot.text = take_buffer(slot.frames.content);
                }
                std::exception_ptr fault;
                slot.len = io::decode_zstd_frames(slot.frames, name, limits.read_size,
                                                  slot.text.data.get(), fault);
                if (fault) {
                    try {
                        std::rethrow_exception(fault);
                    } catch (const Error& e) {
                        p.error = e;
                    }
                }
            }
            std::memset(slot.text.data.get() + slot.len, 0, kLinePadding);
            parse_piece(parser, std::string_view(slot.text.data.get(), slot.len), p);
            p.run.worker = worker;
            pool.publish(worker);  // the names the run uses, before it can be seen
        } catch (...) {
            p.failure = std::current_exception();
        }
        std::lock_guard<std::mutex> lock(mu);
        give_buffer(std::move(slot.text));
        slot.frames = {};
        slot.ready = true;
        cv.notify_all();
    }

    const std::string name;
    const Limits limits;
    ParsePool& pool;
    std::unique_ptr<io::Decoder> dec;  // the reading thread's only

    std::mutex mu;
    std::condition_variable cv;  // any change of what mu guards
    std::deque<Slot> slots;      // in file order (a deque: references stay valid)
    std::size_t bytes_in_flight = 0;
    bool done = false;           // the reading thread pushed its last slot
    bool stop = false;           // the feed is going away
    std::vector<std::unique_ptr<Piece>> spare_pieces;
    std::vector<Buffer> spare_buffers;
    std::thread reader;
};

FileFeed::FileFeed(const std::string& name, ParsePool& pool, const Limits& limits)
    : shared_(std::make_shared<Shared>(name, pool, limits)) {
    shared_->reader = std::thread([this] { read_loop(); });
}

FileFeed::~FileFeed() {
    Shared& s = *shared_;
    {
        std::lock_guard<std::mutex> lock(s.mu);
        s.stop = true;
    }
    s.cv.notify_all();
    s.dec->file().interrupt();  // ends a read blocked on a pipe or terminal
    s.reader.join();
}

void FileFeed::read_loop() {
    Shared& s = *shared_;
    io::Decoder& dec = *s.dec;
    dec.stop_at_frame_ends(true);
    io::FrameLimits frame_limits;  // a job of frames stays within the file's budget
    frame_limits.min_content = std::min(s.limits.piece, s.limits.budget);
    frame_limits.max_content = std::min(frame_limits.max_content, s.limits.budget);
    frame_limits.max_bytes = std::min(frame_limits.max_bytes, s.limits.budget);
    FormatProbe probe;
    const std::optional<LineFormat>& format = probe.format();

    // Waits for room; false when stopping.
    auto room = [&s] {
        std::unique_lock<std::mutex> lock(s.mu);
        s.cv.wait(lock, [&s] {
            return s.stop || s.slots.empty() ||
                   (s.slots.size() < s.limits.in_flight && s.bytes_in_flight < s.limits.budget);
        });
        return !s.stop;
    };
    // Appends a slot in file order; the caller fills it in before submitting it.
    auto push = [&s](std::size_t bytes) -> Shared::Slot& {
        std::lock_guard<std::mutex> lock(s.mu);
        Shared::Slot& slot = s.slots.emplace_back();
        slot.piece = s.take_piece();
        slot.bytes = bytes;
        s.bytes_in_flight += bytes;
        return slot;
    };
    // Hands a filled slot to a worker.
    auto submit = [&s, self = shared_](Shared::Slot& slot) {
        s.pool.submit([self, &slot](ChunkParser& parser, int worker) {
            self->work(slot, parser, worker);
        });
    };
    try {
        io::ZstdFrames frames;
        while (room()) {
            // Whole frames go to the workers once the format is known (it is read from the
            // first bytes, which this thread decodes).
            if (format && dec.take_frames(frames, frame_limits)) {
                Shared::Slot& slot = push(frames.content);
                slot.frames = std::move(frames);
                slot.has_frames = true;
                slot.piece->format = *format;
                submit(slot);
                frames = {};
                continue;
            }
            Buffer buf;
            {
                std::lock_guard<std::mutex> lock(s.mu);
                buf = s.take_buffer(s.limits.piece);
            }
            const std::size_t n = dec.fill(buf.data.get(), s.limits.piece);
            if (n == 0) {
                std::lock_guard<std::mutex> lock(s.mu);
                s.give_buffer(std::move(buf));
                break;
            }
            if (!format) probe.see(std::string_view(buf.data.get(), n));
            Shared::Slot& slot = push(n);
            slot.text = std::move(buf);
            slot.len = n;
            slot.piece->format = format.value_or(LineFormat::Ndjson);
            submit(slot);
        }
    } catch (const Error& e) {
        Shared::Slot& slot = push(0);
        slot.piece->error = e;
        slot.piece->format = format.value_or(LineFormat::Ndjson);
        std::lock_guard<std::mutex> lock(s.mu);
        slot.ready = true;
    } catch (...) {
        Shared::Slot& slot = push(0);
        slot.piece->failure = std::current_exception();
        std::lock_guard<std::mutex> lock(s.mu);
        slot.ready = true;
    }
    {
        std::lock_guard<std::mutex> lock(s.mu);
        s.done = true;
    }
    s.cv.notify_all();
}

bool FileFeed::next(std::unique_ptr<Piece>& piece) {
    Shared& s = *shared_;
    std::unique_lock<std::mutex> lock(s.mu);
    if (piece) {
        piece->clear();
        s.spare_pieces.push_back(std::move(piece));
    }
    s.cv.wait(lock, [&s] { return s.slots.empty() ? s.done : s.slots.front().ready; });
    if (s.slots.empty()) return false;
    piece = std::move(s.slots.front().piece);
    s.bytes_in_flight -= s.slots.front().bytes;
    s.slots.pop_front();
    lock.unlock();
    s.cv.notify_all();  // room for the reading thread
    if (piece->failure) std::rethrow_exception(piece->failure);
    return true;
}

}  // namespace b24
