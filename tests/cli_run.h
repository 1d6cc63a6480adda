// Runs the built b24load binary for end-to-end tests: exit code, stdout and stderr.
#pragma once
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "io_test_files.h"

namespace b24::test_cli {

struct Result {
    int code = -1;
    std::string out, err;
};

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::string fixture(const std::string& name) { return std::string(B24_FIXTURES) + "/" + name; }

// `args` is shell text (callers quote what needs it); stdin from `stdin_file` or /dev/null.
inline Result run(const std::string& args, const std::string& stdin_file = "/dev/null") {
    static test_io::TempDir dir;
    static int n = 0;
    const std::string out = dir.path("out" + std::to_string(n)), err = dir.path("err" + std::to_string(n));
    ++n;
    const std::string cmd = std::string("NO_COLOR=1 ") + B24_BINARY + " " + args + " <" + stdin_file +
                            " >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

}  // namespace b24::test_cli
